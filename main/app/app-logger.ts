// The desktop app's log: a packaged app started from a menu has no terminal, so what the core says goes
// to `<data dir>/logs/switchyard.log` too (the file the "see the log" messages point at). Kept small:
// at start, a log past 5 MB is moved to switchyard.log.1.
import { appendFileSync, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from '../gateway/logger.ts';

export const MAX_LOG_BYTES = 5 * 1024 * 1024;

export function logFilePath(dataDir: string): string {
  return join(dataDir, 'logs', 'switchyard.log');
}

export function fileLogger(file: string, also?: Logger): Logger {
  mkdirSync(dirname(file), { recursive: true });
  if (existsSync(file) && statSync(file).size > MAX_LOG_BYTES) renameSync(file, `${file}.1`);
  const write = (level: string, message: string) => {
    try {
      appendFileSync(file, `${new Date().toISOString()} ${level} ${message}\n`);
    } catch {
      // A full disk must not take the gateway down with it.
    }
  };
  return {
    info: (m) => (write('info', m), also?.info(m)),
    warn: (m) => (write('warn', m), also?.warn(m)),
    error: (m) => (write('error', m), also?.error(m)),
  };
}
