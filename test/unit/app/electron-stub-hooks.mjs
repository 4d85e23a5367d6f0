// `node --import ./electron-stub-hooks.mjs out/main/main.js`: resolves `electron` to the stand-in.
import { registerHooks } from 'node:module';

const stub = new URL('./electron-stub.mjs', import.meta.url).href;
registerHooks({
  resolve: (specifier, context, next) =>
    specifier === 'electron' ? { url: stub, shortCircuit: true } : next(specifier, context),
});
