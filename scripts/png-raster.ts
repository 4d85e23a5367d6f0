// Just enough raster graphics to draw the icons offline: shapes as signed distance functions in a unit
// square, 4×4 supersampling for smooth edges, and a PNG encoder on node:zlib. No image library needed.
import { crc32, deflateSync } from 'node:zlib';

export type Rgba = readonly [number, number, number, number];
/** Distance from (x, y) to the shape's edge: negative inside. Coordinates are 0..1, y downwards. */
export type Sdf = (x: number, y: number) => number;
export interface Layer {
  shape: Sdf;
  color: Rgba | ((x: number, y: number) => Rgba);
}

export const hex = (h: string, alpha = 255): Rgba => [
  parseInt(h.slice(1, 3), 16),
  parseInt(h.slice(3, 5), 16),
  parseInt(h.slice(5, 7), 16),
  alpha,
];

export function roundedRect(x0: number, y0: number, x1: number, y1: number, r: number): Sdf {
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const hx = (x1 - x0) / 2 - r;
  const hy = (y1 - y0) / 2 - r;
  return (x, y) => {
    const dx = Math.abs(x - cx) - hx;
    const dy = Math.abs(y - cy) - hy;
    return Math.hypot(Math.max(dx, 0), Math.max(dy, 0)) + Math.min(Math.max(dx, dy), 0) - r;
  };
}

export function circle(cx: number, cy: number, r: number): Sdf {
  return (x, y) => Math.hypot(x - cx, y - cy) - r;
}

/** A segment with round caps, `width` wide. */
export function segment(ax: number, ay: number, bx: number, by: number, width: number): Sdf {
  return (x, y) => {
    const px = x - ax;
    const py = y - ay;
    const vx = bx - ax;
    const vy = by - ay;
    const t = Math.max(0, Math.min(1, (px * vx + py * vy) / (vx * vx + vy * vy)));
    return Math.hypot(px - vx * t, py - vy * t) - width / 2;
  };
}

export const union =
  (...shapes: Sdf[]): Sdf =>
  (x, y) =>
    Math.min(...shapes.map((s) => s(x, y)));

const SAMPLES = 4;

/** Draws the layers bottom to top on a transparent size×size canvas; returns RGBA bytes. */
export function rasterize(size: number, layers: Layer[]): Uint8Array {
  const out = new Uint8Array(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const x = (px + (sx + 0.5) / SAMPLES) / size;
          const y = (py + (sy + 0.5) / SAMPLES) / size;
          // Premultiplied "over" compositing of each layer at this sample.
          let sr = 0;
          let sg = 0;
          let sb = 0;
          let sa = 0;
          for (const layer of layers) {
            if (layer.shape(x, y) > 0) continue;
            const c = typeof layer.color === 'function' ? layer.color(x, y) : layer.color;
            const la = c[3] / 255;
            sr = c[0] * la + sr * (1 - la);
            sg = c[1] * la + sg * (1 - la);
            sb = c[2] * la + sb * (1 - la);
            sa = la + sa * (1 - la);
          }
          r += sr;
          g += sg;
          b += sb;
          a += sa;
        }
      }
      const n = SAMPLES * SAMPLES;
      const i = (py * size + px) * 4;
      const alpha = a / n;
      out[i] = alpha > 0 ? Math.round(r / n / alpha) : 0;
      out[i + 1] = alpha > 0 ? Math.round(g / n / alpha) : 0;
      out[i + 2] = alpha > 0 ? Math.round(b / n / alpha) : 0;
      out[i + 3] = Math.round(alpha * 255);
    }
  }
  return out;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** An 8-bit RGBA PNG (colour type 6), no filtering. */
export function encodePng(size: number, rgba: Uint8Array): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    raw.set(rgba.subarray(y * size * 4, (y + 1) * size * 4), y * (size * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array()),
  ]);
}

/** A Windows .ico holding PNG images (allowed since Vista; electron-builder and NSIS take it). */
export function encodeIco(images: { size: number; png: Buffer }[]): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + 16 * images.length;
  const entries = images.map(({ size, png }) => {
    const e = Buffer.alloc(16);
    e[0] = size >= 256 ? 0 : size;
    e[1] = size >= 256 ? 0 : size;
    e.writeUInt16LE(1, 4);
    e.writeUInt16LE(32, 6);
    e.writeUInt32LE(png.length, 8);
    e.writeUInt32LE(offset, 12);
    offset += png.length;
    return e;
  });
  return Buffer.concat([header, ...entries, ...images.map((i) => i.png)]);
}

/** A macOS .icns from PNG images, keyed by their OSType (ic07 128, ic08 256, ic09 512, ic10 1024…). */
export function encodeIcns(images: { type: string; png: Buffer }[]): Buffer {
  const parts = images.map(({ type, png }) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'latin1');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'latin1');
  head.writeUInt32BE(body.length + 8, 4);
  return Buffer.concat([head, body]);
}
