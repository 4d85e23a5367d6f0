// Small helpers for the provider contract suite: draining streams, decoding base64 embeddings, and
// finding a port nothing listens on.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { GatewayError } from '../../main/gateway/errors.ts';
import type { ProviderStream, StreamPiece } from '../../main/gateway/providers/provider.ts';

export async function collect(stream: ProviderStream): Promise<StreamPiece[]> {
  const pieces: StreamPiece[] = [];
  for (;;) {
    const r = await stream.next();
    if (r.done) return pieces;
    pieces.push(r.value);
  }
}

export async function take(stream: ProviderStream, n: number): Promise<StreamPiece[]> {
  const pieces: StreamPiece[] = [];
  while (pieces.length < n) {
    const r = await stream.next();
    if (r.done) throw new Error(`stream ended after ${pieces.length} pieces, wanted ${n}`);
    pieces.push(r.value);
  }
  return pieces;
}

/** Decodes what the official openai client decodes: base64 of little-endian float32s. */
export function decodeFloat32Base64(b64: string): number[] {
  const bytes = Buffer.from(b64, 'base64');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: bytes.byteLength / 4 }, (_, i) => view.getFloat32(i * 4, true));
}

/** A port that was just free: open, note, close. Connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function gatewayError(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(GatewayError);
    return err as GatewayError;
  }
  throw new Error('expected a GatewayError, but the call succeeded');
}
