// Anthropic Messages requests → OpenAI chat requests, including a Claude Code turn as it is sent.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { messagesRequestSchema, type MessagesRequest } from '../../../shared/wire/anthropic-requests.ts';
import { GatewayError } from '../../../main/gateway/errors.ts';
import { reasoningEffort, toChatRequest } from '../../../main/gateway/translate/messages-to-chat.ts';

const claudeCode = JSON.parse(
  readFileSync(
    new URL('../../fixtures/anthropic-inbound/claude-code-tool-turn.json', import.meta.url),
    'utf8',
  ),
) as { body: MessagesRequest };

const base = { model: 'm', max_tokens: 100 };
const translate = (b: Record<string, unknown>) =>
  toChatRequest(messagesRequestSchema.parse({ ...base, ...b }));

describe('Messages request → OpenAI chat request', () => {
  it('translates a Claude Code tool turn: system blocks, thinking dropped, tool_use → tool_calls, tool_result → tool', () => {
    const chat = toChatRequest(messagesRequestSchema.parse(claudeCode.body));
    expect(chat.messages).toEqual([
      {
        role: 'system',
        content:
          "You are Claude Code, Anthropic's official CLI for Claude.\n\nYou are an interactive CLI tool that helps users with software engineering tasks.",
      },
      {
        role: 'user',
        content: '<system-reminder>This is a reminder.</system-reminder>\nlist the files in src',
      },
      {
        role: 'assistant',
        content: "I'll list them.",
        tool_calls: [
          {
            id: 'toolu_01A09q90qw90lq917835lq9',
            type: 'function',
            function: { name: 'Bash', arguments: '{"command":"ls src","description":"List files in src"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'toolu_01A09q90qw90lq917835lq9', content: 'index.ts\nutil.ts' },
    ]);
    // The server tool (web_search) has no schema another model could call; the two client tools pass.
    expect(chat.tools?.map((t) => (t as unknown as { function: { name: string } }).function.name)).toEqual([
      'Bash',
      'Read',
    ]);
    expect((chat.tools?.[0] as unknown as { function: { parameters: unknown } }).function.parameters).toEqual(
      claudeCode.body.tools![0]!.input_schema,
    );
    expect(chat).toMatchObject({
      model: 'claude-sonnet-4-5-20250929',
      max_tokens: 32000,
      stream: true,
      temperature: 1,
      user: 'user_2f1c_account__session_7d0e5a43',
      reasoning_effort: 'high',
    });
    // Anthropic-only fields never reach an OpenAI server.
    const text = JSON.stringify(chat);
    expect(text).not.toContain('cache_control');
    expect(text).not.toContain('thinking');
    expect(text).not.toContain('metadata');
  });

  it('puts tool results before the rest of the user turn and keeps images from tool results', () => {
    const chat = translate({
      messages: [
        {
          role: 'assistant',
          content: [
            { type: 'tool_use', id: 't1', name: 'shot', input: {} },
            { type: 'tool_use', id: 't2', name: 'calc', input: { x: 1 } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'here you go' },
            {
              type: 'tool_result',
              tool_use_id: 't1',
              content: [
                { type: 'text', text: 'screenshot taken' },
                { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
              ],
            },
            { type: 'tool_result', tool_use_id: 't2', content: 'division by zero', is_error: true },
          ],
        },
      ],
    });
    expect(chat.messages[0]).toMatchObject({ role: 'assistant', content: null });
    expect(chat.messages.slice(1)).toEqual([
      { role: 'tool', tool_call_id: 't1', content: 'screenshot taken' },
      { role: 'tool', tool_call_id: 't2', content: 'Error: division by zero' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'here you go' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
        ],
      },
    ]);
  });

  it('maps images (base64 and URL), text documents and PDFs', () => {
    const chat = translate({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } },
            {
              type: 'document',
              title: 'notes',
              source: { type: 'text', media_type: 'text/plain', data: 'abc' },
            },
            { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' } },
          ],
        },
      ],
    });
    expect(chat.messages[0]!.content).toEqual([
      { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
      { type: 'text', text: 'notes\n\nabc' },
      { type: 'file', file: { filename: 'document.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' } },
    ]);
  });

  it('refuses an image it cannot express, naming the block', () => {
    expect(() =>
      translate({
        messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'file', file_id: 'f_1' } }] }],
      }),
    ).toThrowError(GatewayError);
    try {
      translate({
        messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'file', file_id: 'f' } }] }],
      });
    } catch (e) {
      expect((e as GatewayError).status).toBe(400);
      expect((e as GatewayError).message).toContain('messages[0].content[0]');
    }
  });

  it('maps tool_choice, stop_sequences, sampling and a string system prompt', () => {
    const tools = [
      { name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: {} } },
    ];
    const messages = [{ role: 'user', content: 'hi' }];
    expect(translate({ messages, tools, tool_choice: { type: 'any' } }).tool_choice).toBe('required');
    expect(translate({ messages, tools, tool_choice: { type: 'none' } }).tool_choice).toBe('none');
    expect(translate({ messages, tools, tool_choice: { type: 'auto' } }).tool_choice).toBe('auto');
    const forced = translate({
      messages,
      tools,
      tool_choice: { type: 'tool', name: 'get_weather', disable_parallel_tool_use: true },
    });
    expect(forced.tool_choice).toEqual({ type: 'function', function: { name: 'get_weather' } });
    expect(forced.parallel_tool_calls).toBe(false);
    const chat = translate({
      messages,
      system: 'Be brief.',
      stop_sequences: ['END'],
      temperature: 0.3,
      top_p: 0.9,
      top_k: 40,
    });
    expect(chat).toEqual({
      model: 'm',
      max_tokens: 100,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi' },
      ],
      stop: ['END'],
      temperature: 0.3,
      top_p: 0.9,
    });
  });

  it('turns a thinking budget into a rough reasoning effort', () => {
    expect(reasoningEffort(undefined)).toBeUndefined();
    expect(reasoningEffort({ type: 'disabled' })).toBeUndefined();
    expect(reasoningEffort({ type: 'enabled', budget_tokens: 1024 })).toBe('low');
    expect(reasoningEffort({ type: 'enabled', budget_tokens: 8000 })).toBe('medium');
    expect(reasoningEffort({ type: 'enabled', budget_tokens: 31999 })).toBe('high');
  });
});
