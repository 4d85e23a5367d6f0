// The desktop window's React app, served to a browser at /ui by the headless server. Static files only:
// the app talks to POST /admin/<op> with the master key it asks for, like any other client.
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Where `npm run build:renderer` (vite build) writes the app. */
export const RENDERER_DIR = fileURLToPath(new URL('../../../../out/renderer/', import.meta.url));

// No inline script or style anywhere, no network but this origin, and no framing (clickjacking).
export const UI_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Switchyard</title></head>
<body><h1>Switchyard's window is not built yet</h1>
<p>The gateway is running. To use the window in a browser, build it once and reload this page:</p>
<pre>npm run build:renderer</pre>
</body></html>
`;

function secure(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', UI_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .header('cross-origin-opener-policy', 'same-origin')
    .header('cross-origin-resource-policy', 'same-origin');
}

/** A file under `root` for a URL path, or undefined for anything that escapes it or is not a file. */
export async function resolveUiFile(root: string, urlPath: string): Promise<string | undefined> {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  // Backslashes and NULs never name a file the build wrote; refusing them closes Windows-style escapes.
  if (rel.includes('\0') || rel.includes('\\')) return undefined;
  const base = resolve(root);
  const file = resolve(base, `.${rel.startsWith('/') ? '' : '/'}${rel}`);
  if (file !== base && !file.startsWith(base + sep)) return undefined;
  try {
    // A symlink inside the build must not lead outside it either.
    const real = await realpath(file);
    const realBase = await realpath(base);
    if (!real.startsWith(realBase + sep)) return undefined;
    return (await stat(real)).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}

/**
 * index.html is built with relative asset URLs (`./assets/…`) so Electron can load it from a file; served
 * at `/ui` (no trailing slash) those would resolve against `/`, so they are made absolute here.
 */
function absoluteAssetUrls(html: string): string {
  return html.replace(/(\s(?:src|href))="\.\//g, '$1="/ui/');
}

export function registerUiRoutes(app: FastifyInstance, root: string = RENDERER_DIR): void {
  const sendIndex = async (reply: FastifyReply) => {
    const file = await resolveUiFile(root, '/index.html');
    secure(reply).header('cache-control', 'no-cache');
    if (!file) return reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT);
    return reply.type('text/html; charset=utf-8').send(absoluteAssetUrls(await readFile(file, 'utf8')));
  };

  app.get('/', async (_req, reply) => reply.redirect('/ui/'));
  app.get('/ui', async (_req, reply) => sendIndex(reply));
  app.get('/ui/*', async (req, reply) => {
    // The raw path, decoded once in resolveUiFile (the router's decoded param would be decoded twice).
    const rest = (req.url.split('?', 1)[0] ?? '').slice('/ui/'.length);
    if (rest === '' || rest === 'index.html') return sendIndex(reply);
    const file = await resolveUiFile(root, `/${rest}`);
    if (!file) {
      return secure(reply).code(404).type('text/plain; charset=utf-8').send(`Not found: /ui/${rest}`);
    }
    const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
    // Vite names built assets by their content hash, so they never change under the same name.
    const cache = rest.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
    return secure(reply)
      .type(type)
      .header('cache-control', cache)
      .send(await readFile(file));
  });
}
