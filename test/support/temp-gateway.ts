// Starts the real gateway on 127.0.0.1:0 with a config text, in a throwaway data dir.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway, type Gateway, type GatewayOptions } from '../../main/gateway/index.ts';
import type { Logger } from '../../main/gateway/logger.ts';
import { openDatabase } from '../../main/gateway/store/db.ts';
import { RequestLogRepo, type RequestLogRow } from '../../main/gateway/store/request-log-repo.ts';

export interface TestGateway extends Gateway {
  dataDir: string;
  logs: { level: string; message: string }[];
  /**
   * Ledger rows, newest first, read through a separate connection once the gateway has written what it
   * journaled (another process sees them within the journal's APPLY_MS).
   */
  rows(): RequestLogRow[];
  writeConfig(text: string): void;
}

export function memoryLogger(): Logger & { lines: { level: string; message: string }[] } {
  const lines: { level: string; message: string }[] = [];
  return {
    lines,
    info: (message) => lines.push({ level: 'info', message }),
    warn: (message) => lines.push({ level: 'warn', message }),
    error: (message) => lines.push({ level: 'error', message }),
  };
}

export function tempDir(prefix = 'switchyard-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function startTestGateway(
  configText: string,
  opts: Partial<GatewayOptions> = {},
): Promise<TestGateway> {
  const dataDir = tempDir();
  const configPath = join(dataDir, 'config.yaml');
  writeFileSync(configPath, configText);
  const logger = memoryLogger();
  const gw = await startGateway({ dataDir, configPath, port: 0, logger, watch: false, env: {}, ...opts });
  const close = gw.close;
  return Object.assign(gw, {
    dataDir,
    logs: logger.lines,
    rows() {
      gw.runtime.book.flush();
      const db = openDatabase(join(dataDir, 'switchyard.db'));
      try {
        return new RequestLogRepo(db).list({ limit: 1000 });
      } finally {
        db.close();
      }
    },
    writeConfig(text: string) {
      writeFileSync(configPath, text);
    },
    async close() {
      await close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
}
