// OpenAI chat messages → Anthropic's `system` and `messages`. Anthropic takes the system prompt apart
// from the turns, wants user and assistant turns to alternate, carries tool calls and their results as
// content blocks (results inside a user turn, before any text), and takes images as base64 or URL sources.
import type { ChatMessage } from '../../../../shared/wire/openai-requests.ts';
import { GatewayError } from '../../errors.ts';

export type Block = { type: string } & Record<string, unknown>;
export interface Turn {
  role: 'user' | 'assistant';
  content: string | Block[];
}
export type SystemPrompt = string | Block[];

interface OpenAIToolCall {
  id?: unknown;
  type?: unknown;
  function?: { name?: unknown; arguments?: unknown };
}

type Part = { type: string } & Record<string, unknown>;

const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];

const invalid = (message: string, param = 'messages'): GatewayError =>
  new GatewayError(400, 'invalid_request', message, { param });

/** Prompt-caching breakpoints (LiteLLM's `cache_control` on a part or a message) ride along untouched. */
function withCache(block: Block, source: Record<string, unknown>): Block {
  return source.cache_control === undefined ? block : { ...block, cache_control: source.cache_control };
}

function parts(content: ChatMessage['content']): Part[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return content as Part[];
}

function textBlock(part: Part, i: number): Block | undefined {
  if (typeof part.text !== 'string') throw invalid(`messages[${i}] has a text part without text`);
  // Anthropic rejects empty text blocks; an empty string adds nothing to the conversation.
  return part.text === '' ? undefined : withCache({ type: 'text', text: part.text }, part);
}

function imageBlock(part: Part, i: number): Block {
  const ref = part.image_url;
  const url = typeof ref === 'string' ? ref : (ref as { url?: unknown } | undefined)?.url;
  if (typeof url !== 'string') throw invalid(`messages[${i}] has an image_url part without a url`);
  const data = /^data:([^;,]*)((?:;[^,]*)?),(.*)$/s.exec(url);
  if (data) {
    const [, mediaType = '', params = '', payload = ''] = data;
    if (!IMAGE_TYPES.includes(mediaType)) {
      throw invalid(
        `messages[${i}] has a ${mediaType || 'untyped'} image; Anthropic takes JPEG, PNG, GIF or WebP`,
      );
    }
    const base64 = params.split(';').includes('base64')
      ? payload
      : Buffer.from(decodeURIComponent(payload), 'utf8').toString('base64');
    return withCache(
      { type: 'image', source: { type: 'base64', media_type: mediaType, data: base64 } },
      part,
    );
  }
  if (/^https?:\/\//i.test(url)) return withCache({ type: 'image', source: { type: 'url', url } }, part);
  throw invalid(`messages[${i}] has an image URL that is neither http(s) nor a data: URL`);
}

/** OpenAI's `file` part with an inline PDF (LiteLLM maps it the same way) → a document block. */
function documentBlock(part: Part, i: number): Block {
  const fileData = (part.file as { file_data?: unknown } | undefined)?.file_data;
  const match = typeof fileData === 'string' ? /^data:application\/pdf;base64,(.*)$/s.exec(fileData) : null;
  if (!match)
    throw invalid(`messages[${i}] has a file part; Anthropic takes files only as inline base64 PDFs`);
  return withCache(
    { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: match[1] ?? '' } },
    part,
  );
}

function contentBlocks(content: ChatMessage['content'], i: number, allowMedia: boolean): Block[] {
  const out: Block[] = [];
  for (const part of parts(content)) {
    let block: Block | undefined;
    if (part.type === 'text') block = textBlock(part, i);
    else if (allowMedia && part.type === 'image_url') block = imageBlock(part, i);
    else if (allowMedia && part.type === 'file') block = documentBlock(part, i);
    // Blocks already in Anthropic's shape (a client that knows where its request ends up).
    else if (allowMedia && (part.type === 'image' || part.type === 'document') && part.source) block = part;
    else
      throw invalid(
        `messages[${i}] has a content part of type "${part.type}", which Anthropic cannot take here`,
      );
    if (block) out.push(block);
  }
  return out;
}

function toolUseBlock(call: OpenAIToolCall, i: number, j: number): Block {
  const fn = call.function;
  if (typeof call.id !== 'string' || !call.id) throw invalid(`messages[${i}].tool_calls[${j}] has no id`);
  if (!fn || typeof fn.name !== 'string')
    throw invalid(`messages[${i}].tool_calls[${j}] has no function name`);
  let input: unknown = fn.arguments ?? {};
  if (typeof input === 'string') {
    try {
      input = input.trim() === '' ? {} : JSON.parse(input);
    } catch {
      throw invalid(`messages[${i}].tool_calls[${j}].function.arguments is not valid JSON`);
    }
  }
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    throw invalid(`messages[${i}].tool_calls[${j}].function.arguments must be a JSON object`);
  }
  return { type: 'tool_use', id: call.id, name: fn.name, input };
}

function assistantBlocks(msg: ChatMessage, i: number): Block[] {
  // LiteLLM hands Anthropic's signed thinking back to clients as `thinking_blocks`; with thinking on,
  // Anthropic wants them back before a tool call's result.
  const thinking = Array.isArray(msg.thinking_blocks) ? (msg.thinking_blocks as Block[]) : [];
  const calls = (msg.tool_calls ?? []) as OpenAIToolCall[];
  return [
    ...thinking,
    ...contentBlocks(msg.content, i, false),
    ...calls.map((call, j) => toolUseBlock(call, i, j)),
  ];
}

function toolResultBlock(msg: ChatMessage, i: number): Block {
  if (typeof msg.tool_call_id !== 'string' || !msg.tool_call_id) {
    throw invalid(`messages[${i}] is a tool result without tool_call_id`);
  }
  const blocks = contentBlocks(msg.content, i, true);
  const plain = blocks.every((b) => b.type === 'text' && b.cache_control === undefined);
  const content = plain ? blocks.map((b) => b.text as string).join('\n') : blocks;
  return { type: 'tool_result', tool_use_id: msg.tool_call_id, content };
}

function systemBlocks(msg: ChatMessage, i: number): Block[] {
  return contentBlocks(msg.content, i, false);
}

/** Applies a message-level cache_control to the message's last block, as LiteLLM does. */
function withMessageCache(blocks: Block[], msg: ChatMessage): Block[] {
  const last = blocks.at(-1);
  if (msg.cache_control === undefined || !last) return blocks;
  return [...blocks.slice(0, -1), withCache(last, msg)];
}

/** One text block and nothing else is sent as a plain string, as most clients would write it. */
function compact(blocks: Block[]): string | Block[] {
  const only = blocks[0];
  if (blocks.length === 1 && only?.type === 'text' && Object.keys(only).length === 2)
    return only.text as string;
  return blocks;
}

export function toAnthropicMessages(messages: ChatMessage[]): { system?: SystemPrompt; messages: Turn[] } {
  const system: Block[] = [];
  const turns: { role: Turn['role']; blocks: Block[] }[] = [];
  const push = (role: Turn['role'], blocks: Block[]) => {
    if (blocks.length === 0) return;
    const last = turns.at(-1);
    // Anthropic's turns alternate; consecutive same-role messages (a tool result per call, say) become one.
    if (last?.role === role) last.blocks.push(...blocks);
    else turns.push({ role, blocks: [...blocks] });
  };
  messages.forEach((msg, i) => {
    switch (msg.role) {
      case 'system':
      case 'developer':
        system.push(...withMessageCache(systemBlocks(msg, i), msg));
        break;
      case 'user':
        push('user', withMessageCache(contentBlocks(msg.content, i, true), msg));
        break;
      case 'assistant':
        push('assistant', withMessageCache(assistantBlocks(msg, i), msg));
        break;
      case 'tool':
        push('user', withMessageCache([toolResultBlock(msg, i)], msg));
        break;
      case 'function':
        throw invalid(`messages[${i}] uses the legacy "function" role; send tool calls and "tool" messages`);
    }
  });
  const out: { system?: SystemPrompt; messages: Turn[] } = {
    messages: turns.map(({ role, blocks }) => {
      // A user turn's tool results must come before its text (Anthropic's tool-use rules).
      const ordered =
        role === 'user'
          ? [
              ...blocks.filter((b) => b.type === 'tool_result'),
              ...blocks.filter((b) => b.type !== 'tool_result'),
            ]
          : blocks;
      return { role, content: compact(ordered) };
    }),
  };
  if (system.length > 0) {
    const plain = system.every((b) => b.cache_control === undefined);
    out.system = plain ? system.map((b) => b.text as string).join('\n\n') : system;
  }
  return out;
}
