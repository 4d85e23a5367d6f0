import type { ServerResponse } from 'node:http';

/**
 * Writes one SSE event (with its `event:` line when it has a name, as Anthropic's dialect does) and, when
 * the socket's buffer is full, waits for it to drain (or the client to go).
 */
export function writeSse(res: ServerResponse, data: string, event?: string): Promise<void> | void {
  if (res.destroyed) return;
  // A multi-line payload (an upstream event relayed as its joined data lines) needs a data: per line.
  const lines = data.includes('\n') ? data.split('\n').join('\ndata: ') : data;
  const frame = event === undefined ? `data: ${lines}\n\n` : `event: ${event}\ndata: ${lines}\n\n`;
  if (res.write(frame)) return;
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
