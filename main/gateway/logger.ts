// What the core says about itself. Never pass a secret or a request body to it.
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const stderrLogger: Logger = {
  info: (m) => process.stderr.write(`[switchyard] ${m}\n`),
  warn: (m) => process.stderr.write(`[switchyard] warning: ${m}\n`),
  error: (m) => process.stderr.write(`[switchyard] error: ${m}\n`),
};

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
