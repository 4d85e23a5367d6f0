// Bundles the headless gateway for `npm run serve`: out/serve/cli.js, plain JavaScript.
// Node could run main/cli.ts as it is, but type stripping loads a WebAssembly compiler that stays resident
// (measured: 28 MB of RSS at start) and compiles every module at each start. npm dependencies stay external
// and load from node_modules. Tests still run the TypeScript sources directly.
// Usage: node scripts/build-serve.ts [--out <dir>] [--quiet]
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'vite';
import { isNodeExternal } from './build-electron.ts';

const root = resolve(import.meta.dirname, '..');

export interface NodeBundleOptions {
  /** Default main/cli.ts. */
  entry?: string;
  /** Default <repo>/out/serve; inside the repo, so that node_modules resolves from it. */
  outDir?: string;
  quiet?: boolean;
}

/** Bundles `entry` into `<outDir>/<entry's name>.js`; returns that path. */
export async function buildServe(opts: NodeBundleOptions = {}): Promise<string> {
  const entry = resolve(root, opts.entry ?? 'main/cli.ts');
  const outDir = resolve(opts.outDir ?? join(root, 'out/serve'));
  const fileName = `${basename(entry).replace(/\.ts$/, '')}.js`;
  await build({
    configFile: false,
    root,
    logLevel: opts.quiet ? 'warn' : 'info',
    build: {
      ssr: entry,
      outDir,
      emptyOutDir: true,
      target: 'node22',
      minify: false,
      sourcemap: true,
      rolldownOptions: {
        external: isNodeExternal(),
        output: { format: 'es', entryFileNames: fileName },
      },
    },
  });
  return join(outDir, fileName);
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { out: { type: 'string' }, quiet: { type: 'boolean' } } });
  await buildServe({ ...(values.out ? { outDir: values.out } : {}), quiet: values.quiet ?? false });
}
