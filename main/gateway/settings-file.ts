// Where the gateway listens, chosen in the app: `<dataDir>/settings.json`, read at the next start by the CLI
// (unless --host/--port say otherwise) and by the desktop shell. Other keys in the file are kept.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { BlockList, isIP } from 'node:net';
import { join } from 'node:path';
import { writeFileAtomic } from './config/atomic-write.ts';
import { GatewayError } from './errors.ts';

export const SETTINGS_FILE = 'settings.json';

export interface ListenSettings {
  host?: string;
  port?: number;
}

/** Only what is well-formed: a damaged file must not stop the gateway from starting. */
function pick(raw: unknown): ListenSettings {
  const o = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const out: ListenSettings = {};
  if (typeof o.host === 'string' && o.host.trim() !== '') out.host = o.host.trim();
  if (typeof o.port === 'number' && Number.isInteger(o.port) && o.port >= 1 && o.port <= 65535)
    out.port = o.port;
  return out;
}

function parse(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** For startup (the CLI reads it before anything else runs). */
export function readListenSettingsSync(dataDir: string): ListenSettings {
  let text: string | undefined;
  try {
    text = readFileSync(join(dataDir, SETTINGS_FILE), 'utf8');
  } catch {
    text = undefined;
  }
  return pick(parse(text));
}

export async function readListenSettings(dataDir: string): Promise<ListenSettings> {
  return pick(parse(await readFile(join(dataDir, SETTINGS_FILE), 'utf8').catch(() => undefined)));
}

export async function writeListenSettings(dataDir: string, patch: ListenSettings): Promise<void> {
  const file = join(dataDir, SETTINGS_FILE);
  const all = parse(await readFile(file, 'utf8').catch(() => undefined));
  await writeFileAtomic(file, `${JSON.stringify({ ...all, ...patch }, null, 2)}\n`);
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

const PRIVATE = new BlockList();
PRIVATE.addSubnet('10.0.0.0', 8, 'ipv4');
PRIVATE.addSubnet('172.16.0.0', 12, 'ipv4');
PRIVATE.addSubnet('192.168.0.0', 16, 'ipv4');
PRIVATE.addSubnet('169.254.0.0', 16, 'ipv4');
// Carrier-grade NAT, which Tailscale and similar overlays use.
PRIVATE.addSubnet('100.64.0.0', 10, 'ipv4');
PRIVATE.addSubnet('fc00::', 7, 'ipv6');
PRIVATE.addSubnet('fe80::', 10, 'ipv6');

/** This machine only: localhost, ::1 and all of 127.0.0.0/8. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[(.*)\]$/, '$1');
  return LOOPBACK.has(h) || (isIP(h) === 4 && h.startsWith('127.'));
}

/**
 * Refuses a listen address that would expose the gateway beyond this machine and a private network, or
 * expose it at all without a master key. `addresses` are this machine's interface addresses.
 */
export function checkListenHost(host: string, opts: { masterKeySet: boolean; addresses: string[] }): string {
  const h = host.trim().replace(/^\[(.*)\]$/, '$1');
  if (LOOPBACK.has(h)) return h;
  const mine = opts.addresses.filter((a) => !LOOPBACK.has(a) && !a.startsWith('127.'));
  const hint = mine.length > 0 ? ` (this machine's: ${mine.join(', ')})` : '';
  const fail = (why: string) => new GatewayError(400, 'invalid_request', why, { param: 'host' });
  if (h === '0.0.0.0' || h === '::') {
    throw fail(`Listening on every address is not allowed: use 127.0.0.1, or name one LAN address${hint}`);
  }
  const bare = h.replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 0) {
    throw fail(
      `'${host}' is not an address: use 127.0.0.1, localhost, ::1 or one of this machine's LAN addresses${hint}`,
    );
  }
  if (!PRIVATE.check(bare, family === 4 ? 'ipv4' : 'ipv6')) {
    throw fail(
      `${h} is not a private (LAN) address: Switchyard only listens on this machine or a private network`,
    );
  }
  if (!opts.addresses.includes(bare)) throw fail(`${h} is not an address of this machine${hint}`);
  if (!opts.masterKeySet) {
    throw new GatewayError(
      409,
      'invalid_request',
      `Set a master key before listening on ${h}: anyone on the network could otherwise use your providers ` +
        '(general_settings.master_key, or Rotate master key)',
      { param: 'host' },
    );
  }
  return h;
}
