// What the window may load, navigate to and open, and the CSP it runs under. The renderer's index.html
// carries a CSP in a meta tag; the session adds this one as a header too (a page gets the stricter of
// both), the same policy the headless server's /ui route sends, so the window behaves alike in both.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import type { HeadersListener, SessionLike } from './electron-surface.ts';

/** The packaged window talks to main only through the preload (IPC): no network, no eval, no plugins. */
export const RENDERER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** Vite's dev server injects an inline React-refresh preamble and talks HMR over a WebSocket. */
export const DEV_CSP = RENDERER_CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace(
  "connect-src 'self'",
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
);

export interface RendererLocation {
  /** What the window loads (a route is appended as `#/…`). */
  url: string;
  isRendererUrl(url: string): boolean;
  csp: string;
}

/**
 * The packaged renderer (`file://…/out/renderer/index.html`), or the Vite dev server when one is given
 * (development only: a packaged app never trusts a URL from the environment).
 */
export function rendererLocation(indexHtmlPath: string, devServerUrl?: string): RendererLocation {
  if (devServerUrl !== undefined) {
    const origin = new URL(devServerUrl).origin;
    return {
      url: `${origin}/`,
      csp: DEV_CSP,
      isRendererUrl: (url) => {
        try {
          return new URL(url).origin === origin;
        } catch {
          return false;
        }
      },
    };
  }
  const file = pathToFileURL(resolve(indexHtmlPath));
  return {
    url: file.href,
    csp: RENDERER_CSP,
    // Only the one file: another file:// page (a download, a symlinked HTML) must not get the preload's API.
    isRendererUrl: (url) => {
      try {
        const u = new URL(url);
        return u.protocol === 'file:' && u.host === '' && fileURLToPath(u) === fileURLToPath(file);
      } catch {
        return false;
      }
    },
  };
}

/** Links the page may hand to the OS browser: https only (no file:, javascript:, custom schemes). */
export function isSafeExternalUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

export function cspHeadersListener(csp: string): HeadersListener {
  return (details, callback) => {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(details.responseHeaders ?? {}))
      if (name.toLowerCase() !== 'content-security-policy') headers[name] = value;
    headers['Content-Security-Policy'] = [csp];
    callback({ responseHeaders: headers });
  };
}

/** CSP on every response, and no permission (camera, geolocation, notifications…) for the page. */
export function hardenSession(session: SessionLike, csp: string): void {
  session.onHeadersReceived(cspHeadersListener(csp));
  session.setPermissionRequestHandler((_permission, callback) => callback(false));
}
