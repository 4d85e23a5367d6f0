import { describe, expect, it } from 'vitest';
import { hostAllowed } from '../../../main/gateway/server/plugins/host-guard.ts';

describe('Host header guard (DNS rebinding)', () => {
  it.each([
    ['127.0.0.1:4141', '127.0.0.1', true],
    ['localhost:4141', '127.0.0.1', true],
    ['[::1]:4141', '127.0.0.1', true],
    ['LOCALHOST', '127.0.0.1', true],
    ['evil.example:4141', '127.0.0.1', false],
    ['127.0.0.1.evil.example', '127.0.0.1', false],
    ['192.168.1.20:4141', '127.0.0.1', false],
    ['192.168.1.20:4141', '192.168.1.20', true],
    ['192.168.1.20:4141', '0.0.0.0', true],
    ['evil.example', '0.0.0.0', false],
    [undefined, '127.0.0.1', false],
  ])('Host %s on a server bound to %s → %s', (host, bound, ok) => {
    expect(hostAllowed(host, bound)).toBe(ok);
  });
});
