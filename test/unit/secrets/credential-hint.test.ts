import { describe, expect, it } from 'vitest';
import { redactSecrets, secretHint } from '../../../main/gateway/secrets/credential-hint.ts';

describe('secretHint', () => {
  it('shows a vendor prefix (at most 3 characters) and the last 4 of a long key, nothing in between', () => {
    expect(secretHint('sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123abcd')).toBe('sk-…abcd');
    expect(secretHint('gsk_0123456789012345678901wxyz')).toBe('gsk…wxyz');
    expect(secretHint('AIzaSyD-0123456789012345678901')).toBe('…8901');
  });

  it('shows only the last 2 of a short secret, and nothing of a very short one', () => {
    expect(secretHint('sk-123456789012')).toBe('…12');
    expect(secretHint('hunter2')).toBe('…');
  });
});

describe('redactSecrets', () => {
  it('removes every occurrence, longest secret first so no fragment survives', () => {
    const text = 'key sk-abcdef123456 and sk-abcdef123456 again; short sk-abcdef';
    expect(redactSecrets(text, ['sk-abcdef', 'sk-abcdef123456', undefined, 'ab'])).toBe(
      'key [redacted] and [redacted] again; short [redacted]',
    );
  });
});
