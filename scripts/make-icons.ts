// Draws Switchyard's icons into resources/ (committed; rerun after changing a drawing):
//   icon.png (512), icon.icns (macOS), icon.ico (Windows), icons/<n>x<n>.png (Linux)
//   tray/tray-<state>.png (16 px) and tray-<state>@2x.png (32 px) for running, paused, over-budget and
//   provider-down.
// The mark is a railway switch: one track in, three out — one front door, many models.
// Usage: node scripts/make-icons.ts [--out <dir>]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  circle,
  encodeIcns,
  encodeIco,
  encodePng,
  hex,
  rasterize,
  roundedRect,
  segment,
  union,
  type Layer,
  type Rgba,
} from './png-raster.ts';

const WHITE = hex('#ffffff');

/** The switch: a trunk from the bottom forking into three tracks. */
function switchGlyph(width: number) {
  const fork = { x: 0.5, y: 0.56 };
  return union(
    segment(0.5, 0.84, fork.x, fork.y, width),
    segment(fork.x, fork.y, 0.5, 0.2, width),
    segment(fork.x, fork.y, 0.27, 0.24, width),
    segment(fork.x, fork.y, 0.73, 0.24, width),
  );
}

function appIconLayers(): Layer[] {
  const top = hex('#1e3a5f');
  const bottom = hex('#0b1324');
  const mix = (y: number): Rgba => [
    Math.round(top[0] + (bottom[0] - top[0]) * y),
    Math.round(top[1] + (bottom[1] - top[1]) * y),
    Math.round(top[2] + (bottom[2] - top[2]) * y),
    255,
  ];
  const accent = hex('#38bdf8');
  return [
    { shape: roundedRect(0.06, 0.06, 0.94, 0.94, 0.2), color: (_x, y) => mix(y) },
    { shape: switchGlyph(0.075), color: hex('#e2e8f0') },
    // The chosen route, lit: the primary deployment the tray lets you pick.
    { shape: segment(0.5, 0.56, 0.73, 0.24, 0.075), color: accent },
    { shape: circle(0.5, 0.84, 0.055), color: hex('#e2e8f0') },
    { shape: circle(0.27, 0.24, 0.055), color: hex('#e2e8f0') },
    { shape: circle(0.5, 0.2, 0.055), color: hex('#e2e8f0') },
    { shape: circle(0.73, 0.24, 0.055), color: accent },
  ];
}

const TRAY_COLORS = {
  running: '#16a34a',
  paused: '#6b7280',
  'over-budget': '#d97706',
  'provider-down': '#dc2626',
} as const;

/** A coloured tile with a white glyph: the colour says the state, the glyph says it without colour too. */
function trayLayers(state: keyof typeof TRAY_COLORS): Layer[] {
  const tile: Layer = { shape: roundedRect(0.02, 0.02, 0.98, 0.98, 0.22), color: hex(TRAY_COLORS[state]) };
  if (state === 'paused')
    return [
      tile,
      {
        shape: union(roundedRect(0.28, 0.22, 0.43, 0.78, 0.04), roundedRect(0.57, 0.22, 0.72, 0.78, 0.04)),
        color: WHITE,
      },
    ];
  if (state === 'provider-down')
    return [
      tile,
      { shape: union(segment(0.5, 0.2, 0.5, 0.56, 0.17), circle(0.5, 0.78, 0.095)), color: WHITE },
    ];
  if (state === 'over-budget')
    // The switch with a bar across its trunk: the way is closed.
    return [tile, { shape: union(switchGlyph(0.13), segment(0.28, 0.72, 0.72, 0.72, 0.13)), color: WHITE }];
  return [tile, { shape: switchGlyph(0.14), color: WHITE }];
}

export function makeIcons(outDir: string): string[] {
  const written: string[] = [];
  const write = (path: string, data: Buffer) => {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, data);
    written.push(path);
  };
  const app = new Map<number, Buffer>();
  const appPng = (size: number) => {
    let png = app.get(size);
    if (!png) app.set(size, (png = encodePng(size, rasterize(size, appIconLayers()))));
    return png;
  };

  write(join(outDir, 'icon.png'), appPng(512));
  for (const size of [16, 32, 48, 64, 128, 256, 512])
    write(join(outDir, 'icons', `${size}x${size}.png`), appPng(size));
  write(
    join(outDir, 'icon.ico'),
    encodeIco([16, 24, 32, 48, 64, 128, 256].map((size) => ({ size, png: appPng(size) }))),
  );
  write(
    join(outDir, 'icon.icns'),
    encodeIcns([
      { type: 'icp4', png: appPng(16) },
      { type: 'icp5', png: appPng(32) },
      { type: 'icp6', png: appPng(64) },
      { type: 'ic07', png: appPng(128) },
      { type: 'ic08', png: appPng(256) },
      { type: 'ic09', png: appPng(512) },
      { type: 'ic10', png: appPng(1024) },
    ]),
  );
  for (const state of Object.keys(TRAY_COLORS) as (keyof typeof TRAY_COLORS)[]) {
    write(join(outDir, 'tray', `tray-${state}.png`), encodePng(16, rasterize(16, trayLayers(state))));
    write(join(outDir, 'tray', `tray-${state}@2x.png`), encodePng(32, rasterize(32, trayLayers(state))));
  }
  return written;
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const out = resolve(values.out ?? join(import.meta.dirname, '..', 'resources'));
  for (const f of makeIcons(out)) process.stdout.write(`${f}\n`);
}
