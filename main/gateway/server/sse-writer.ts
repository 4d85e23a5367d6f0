import type { ServerResponse } from 'node:http';

/** Writes one SSE event and, when the socket's buffer is full, waits for it to drain (or the client to go). */
export function writeSse(res: ServerResponse, data: string): Promise<void> | void {
  if (res.destroyed) return;
  if (res.write(`data: ${data}\n\n`)) return;
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
