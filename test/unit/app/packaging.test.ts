// What electron-builder and Electron will be handed: a config electron-builder accepts, bundles that exist
// where package.json and the shell look for them, a preload that needs nothing but `electron` (a sandboxed
// preload cannot require anything else), and a main bundle that needs only shipped dependencies.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildElectron } from '../../../scripts/build-electron.ts';
import { ADMIN_OPERATIONS } from '../../../shared/admin/contract.ts';

const root = join(import.meta.dirname, '../../..');
const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  main: string;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  optionalDependencies?: Record<string, string>;
};
const builderConfig = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<
  string,
  unknown
> & {
  files: string[];
  asarUnpack: string[];
  linux: { target: string[]; icon: string; category: string; maintainer: string };
  mac: { target: string[]; icon: string };
  win: { target: string[]; icon: string };
};

describe('electron-builder.yml', () => {
  it("passes electron-builder's own schema", async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
      validateConfiguration(c: unknown, log: unknown): Promise<void>;
    };
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    await expect(validateConfiguration(builderConfig, new DebugLogger(false))).resolves.toBeUndefined();
    await expect(
      validateConfiguration({ ...builderConfig, npmRebuild: 'yes' }, new DebugLogger(false)),
    ).rejects.toThrow(/npmRebuild/);
  });

  it('packs the bundles and tray icons, unpacks the native modules and rebuilds them for Electron', () => {
    expect(builderConfig).toMatchObject({
      appId: 'dev.switchyard.app',
      productName: 'Switchyard',
      npmRebuild: true,
    });
    expect(builderConfig.files).toEqual(
      expect.arrayContaining([
        'out/main/**',
        'out/preload/**',
        'out/renderer/**',
        'resources/tray/**',
        'package.json',
      ]),
    );
    expect(builderConfig.asarUnpack).toEqual(
      expect.arrayContaining(['node_modules/better-sqlite3/**', 'node_modules/keytar/**']),
    );
    expect(builderConfig.linux).toMatchObject({ target: ['AppImage', 'deb'], category: 'Development' });
    expect(builderConfig.linux.maintainer).toMatch(/<.+@.+>/);
    expect(builderConfig.mac.target).toEqual(['dmg']);
    expect(builderConfig.win.target).toEqual(['nsis']);
  });

  it('points at icons that exist', () => {
    for (const icon of [builderConfig.mac.icon, builderConfig.win.icon, 'resources/icon.png'])
      expect(existsSync(join(root, icon)), icon).toBe(true);
    for (const size of [16, 32, 48, 64, 128, 256, 512])
      expect(existsSync(join(root, builderConfig.linux.icon, `${size}x${size}.png`))).toBe(true);
  });

  it('is wired into package.json', () => {
    expect(pkg.main).toBe('out/main/main.js');
    expect(pkg.scripts['build:app']).toContain('build:renderer');
    expect(pkg.scripts['build:app']).toContain('build:electron');
    expect(pkg.scripts.dist).toContain('electron-builder');
    expect(pkg.scripts.app).toContain('electron .');
  });
});

describe('the Electron bundles', () => {
  let out: string;
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'sy-electron-build-'));
    await buildElectron({ outDir: out, quiet: true });
  }, 120_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('puts main at out/main/main.js (package.json main) and the preload where the shell loads it', () => {
    expect(existsSync(join(out, 'main', 'main.js'))).toBe(true);
    expect(existsSync(join(out, 'preload', 'preload.cjs'))).toBe(true);
  });

  it('makes the preload one CommonJS file that requires only electron', () => {
    const code = readFileSync(join(out, 'preload', 'preload.cjs'), 'utf8');
    const required = [...code.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
    expect(code).not.toMatch(/^\s*(import|export)\s/m);
  });

  it('runs the preload in a bare sandbox: it exposes every operation on the admin channel', async () => {
    const code = readFileSync(join(out, 'preload', 'preload.cjs'), 'utf8');
    const exposed: Record<string, Record<string, (input?: unknown) => Promise<unknown>>> = {};
    const sent: unknown[][] = [];
    const electron = {
      contextBridge: { exposeInMainWorld: (name: string, api: never) => (exposed[name] = api) },
      ipcRenderer: { invoke: async (...args: unknown[]) => (sent.push(args), { ok: true, value: null }) },
    };
    const sandboxRequire = (id: string) => {
      if (id === 'electron') return electron;
      throw new Error(`a sandboxed preload cannot require '${id}'`);
    };
    const module = { exports: {} };
    runInNewContext(code, { require: sandboxRequire, module, exports: module.exports, console });
    expect(Object.keys(exposed)).toEqual(['switchyard']);
    expect(Object.keys(exposed.switchyard!).sort()).toEqual([...ADMIN_OPERATIONS].sort());
    await exposed.switchyard!['key.list']!({ size: 5 });
    expect(sent).toEqual([['switchyard:admin', 'key.list', { size: 5 }]]);
  });

  it('leaves only Node built-ins, electron and shipped dependencies outside the main bundle', () => {
    const code = readFileSync(join(out, 'main', 'main.js'), 'utf8');
    const specifiers = [
      ...code.matchAll(/^import\s[^'"]*["']([^"']+)["']/gm),
      ...code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
    ].map((m) => m[1]!);
    expect(specifiers).toContain('electron');
    expect(specifiers).toContain('better-sqlite3');
    const deps = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.optionalDependencies ?? {})];
    const stray = specifiers.filter(
      (s) =>
        s !== 'electron' &&
        !s.startsWith('node:') &&
        !builtinModules.includes(s) &&
        !deps.some((d) => s === d || s.startsWith(`${d}/`)),
    );
    expect(stray).toEqual([]);
  });
});
