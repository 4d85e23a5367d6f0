// Bundles the Electron side: Electron runs JavaScript, not .ts with type stripping.
//   out/main/main.js        the main process (ESM); npm dependencies stay external (shipped in node_modules,
//                           native ones rebuilt for Electron by electron-builder)
//   out/preload/preload.cjs the sandboxed preload: one CommonJS file that requires nothing but `electron`
// The renderer is built by `vite build` (vite.config.ts) into out/renderer.
// Usage: node scripts/build-electron.ts [--out <dir>]
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build, type InlineConfig } from 'vite';

const root = resolve(import.meta.dirname, '..');

export interface BuildElectronOptions {
  /** Default `<repo>/out`. */
  outDir?: string;
  quiet?: boolean;
}

function dependencyNames(): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
    optionalDependencies?: Record<string, string>;
  };
  return [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})];
}

/** What a Node bundle leaves to Node: its built-in modules, and the npm dependencies shipped in node_modules. */
export function isNodeExternal(): (id: string) => boolean {
  const deps = dependencyNames();
  return (id) =>
    id.startsWith('node:') ||
    builtinModules.includes(id) ||
    deps.some((d) => id === d || id.startsWith(`${d}/`));
}

export async function buildElectron(opts: BuildElectronOptions = {}): Promise<void> {
  const out = resolve(opts.outDir ?? join(root, 'out'));
  const logLevel = opts.quiet ? 'warn' : 'info';
  const nodeExternal = isNodeExternal();
  const isExternal = (id: string) => id === 'electron' || nodeExternal(id);

  const main: InlineConfig = {
    configFile: false,
    root,
    logLevel,
    build: {
      ssr: join(root, 'main/app/main.ts'),
      outDir: join(out, 'main'),
      emptyOutDir: true,
      target: 'node22',
      minify: false,
      sourcemap: true,
      rolldownOptions: { external: isExternal, output: { format: 'es', entryFileNames: 'main.js' } },
    },
  };

  const preload: InlineConfig = {
    configFile: false,
    root,
    logLevel,
    build: {
      outDir: join(out, 'preload'),
      emptyOutDir: true,
      target: 'chrome130',
      minify: false,
      sourcemap: false,
      lib: { entry: join(root, 'main/preload/preload.ts'), formats: ['cjs'], fileName: () => 'preload.cjs' },
      // Everything but electron is bundled in: a sandboxed preload cannot require npm packages.
      rolldownOptions: { external: ['electron'] },
    },
  };

  await build(main);
  await build(preload);
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  await buildElectron(values.out ? { outDir: values.out } : {});
}
