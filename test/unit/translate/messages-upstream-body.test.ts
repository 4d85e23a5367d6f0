// What of a Messages request the gateway keeps for itself before the upstream sees it.
import { describe, expect, it } from 'vitest';
import { messagesUpstreamBody } from '../../../main/gateway/server/request-body.ts';

const body = {
  model: 'sonnet',
  max_tokens: 32000,
  messages: [{ role: 'user' as const, content: 'hi' }],
  metadata: { user_id: 'user_1', tags: ['team-a'] },
  thinking: { type: 'enabled', budget_tokens: 31999 },
};

describe('messagesUpstreamBody', () => {
  it("keeps Anthropic's metadata.user_id and drops the gateway's tags", () => {
    const out = messagesUpstreamBody(body, undefined);
    expect(out.metadata).toEqual({ user_id: 'user_1' });
    expect(out.max_tokens).toBe(32000);
    expect(body.metadata.tags).toEqual(['team-a']);
  });

  it('a budget clamp lowers max_tokens and keeps the thinking budget below it, or drops thinking', () => {
    expect(messagesUpstreamBody(body, 5000)).toMatchObject({
      max_tokens: 5000,
      thinking: { type: 'enabled', budget_tokens: 4999 },
    });
    const tiny = messagesUpstreamBody(body, 800);
    expect(tiny.max_tokens).toBe(800);
    expect(tiny).not.toHaveProperty('thinking');
    expect(
      messagesUpstreamBody({ ...body, thinking: { type: 'enabled', budget_tokens: 2000 } }, 5000).thinking,
    ).toEqual({
      type: 'enabled',
      budget_tokens: 2000,
    });
  });
});
