// Anthropic Messages request → OpenAI chat request, for deployments that do not speak Messages natively.
// Built field by field (never spread): Anthropic-only fields (cache_control, context_management, server
// tools…) have no OpenAI meaning and would make strict OpenAI servers refuse the request.
import type { MessagesRequest } from '../../../shared/wire/anthropic-requests.ts';
import type { ChatCompletionRequest, ChatMessage } from '../../../shared/wire/openai-requests.ts';
import { GatewayError } from '../errors.ts';

type Block = { type: string; [k: string]: unknown };
type Part = Record<string, unknown> & { type: string };

const invalid = (message: string, param: string): GatewayError =>
  new GatewayError(400, 'invalid_request', message, { param });

/**
 * Anthropic's thinking budget as OpenAI's coarse reasoning effort (Claude Code's default 31999 is high;
 * adaptive thinking, where the model decides, is medium).
 */
export function reasoningEffort(
  thinking: MessagesRequest['thinking'],
): 'low' | 'medium' | 'high' | undefined {
  if (thinking?.type === 'adaptive') return 'medium';
  if (!thinking || thinking.type !== 'enabled') return undefined;
  const budget = thinking.budget_tokens ?? 0;
  return budget < 4096 ? 'low' : budget < 16384 ? 'medium' : 'high';
}

export function toChatRequest(body: MessagesRequest): ChatCompletionRequest {
  const messages: ChatMessage[] = [];
  const system = systemText(body.system);
  if (system) messages.push({ role: 'system', content: system });
  body.messages.forEach((m, i) => {
    if (m.role === 'assistant') messages.push(assistantMessage(m.content as string | Block[], i));
    else messages.push(...userMessages(m.content as string | Block[], i));
  });

  const out: ChatCompletionRequest = { model: body.model, messages, max_tokens: body.max_tokens };
  if (body.stream === true) out.stream = true;
  if (body.temperature !== undefined) out.temperature = body.temperature;
  if (body.top_p !== undefined) out.top_p = body.top_p;
  if (body.stop_sequences && body.stop_sequences.length > 0) out.stop = body.stop_sequences;
  const user = body.metadata?.user_id;
  if (typeof user === 'string' && user) out.user = user;
  const effort = reasoningEffort(body.thinking);
  if (effort) out.reasoning_effort = effort;

  // Server tools (web search, code execution…) have no input_schema: only Anthropic can run them.
  const tools = (body.tools ?? []).filter(
    (t): t is typeof t & { name: string } => t.input_schema !== undefined && typeof t.name === 'string',
  );
  if (tools.length > 0) {
    out.tools = tools.map((t) => ({
      type: 'function',
      function: {
        name: t.name,
        ...(t.description !== undefined ? { description: t.description } : {}),
        parameters: t.input_schema,
      },
    }));
    const choice = body.tool_choice;
    if (choice) {
      if (choice.type === 'any') out.tool_choice = 'required';
      else if (choice.type === 'none') out.tool_choice = 'none';
      else if (choice.type === 'tool') {
        if (!choice.name) throw invalid('tool_choice of type "tool" needs a name', 'tool_choice.name');
        out.tool_choice = { type: 'function', function: { name: choice.name } };
      } else out.tool_choice = 'auto';
      if (choice.disable_parallel_tool_use === true) out.parallel_tool_calls = false;
    }
  }
  return out;
}

function systemText(system: MessagesRequest['system']): string {
  if (system === undefined) return '';
  if (typeof system === 'string') return system;
  return system
    .map((b) => b.text)
    .filter((t) => t !== '')
    .join('\n\n');
}

function assistantMessage(content: string | Block[], i: number): ChatMessage {
  if (typeof content === 'string') return { role: 'assistant', content };
  let text = '';
  const toolCalls: Record<string, unknown>[] = [];
  content.forEach((b, j) => {
    if (b.type === 'text' && typeof b.text === 'string') text += b.text;
    else if (b.type === 'tool_use') {
      if (typeof b.id !== 'string' || typeof b.name !== 'string')
        throw invalid(
          `messages[${i}].content[${j}]: a tool_use block needs an id and a name`,
          `messages.${i}`,
        );
      toolCalls.push({
        id: b.id,
        type: 'function',
        function: { name: b.name, arguments: JSON.stringify(b.input ?? {}) },
      });
    }
    // thinking / redacted_thinking: signed Anthropic reasoning, meaningless to another model.
    // server_tool_use and its results: only Anthropic ran those.
  });
  const msg: ChatMessage = { role: 'assistant', content: toolCalls.length > 0 && !text ? null : text };
  if (toolCalls.length > 0) msg.tool_calls = toolCalls;
  return msg;
}

/**
 * A user turn: its tool results become `tool` messages, which must come straight after the assistant's
 * tool calls; the rest (text, images, documents) follows as one user message. Images inside a tool result
 * (OpenAI's tool messages take text only) join that user message.
 */
function userMessages(content: string | Block[], i: number): ChatMessage[] {
  if (typeof content === 'string') return [{ role: 'user', content }];
  const tools: ChatMessage[] = [];
  const parts: Part[] = [];
  content.forEach((b, j) => {
    const where = `messages[${i}].content[${j}]`;
    if (b.type === 'tool_result') {
      if (typeof b.tool_use_id !== 'string')
        throw invalid(`${where}: a tool_result block needs a tool_use_id`, `messages.${i}`);
      const { text, images } = toolResultContent(b.content, where, i);
      tools.push({
        role: 'tool',
        tool_call_id: b.tool_use_id,
        content: b.is_error === true ? `Error: ${text}` : text,
      });
      parts.push(...images);
    } else {
      const part = userPart(b, where, i);
      if (part) parts.push(part);
    }
  });
  const out = [...tools];
  if (parts.length > 0) {
    const allText = parts.every((p) => p.type === 'text');
    out.push({
      role: 'user',
      // Plain text as a string: some OpenAI-compatible servers take no content arrays.
      content: allText ? parts.map((p) => p.text as string).join('\n') : parts,
    });
  }
  return out;
}

function toolResultContent(content: unknown, where: string, i: number): { text: string; images: Part[] } {
  if (content === undefined || content === null) return { text: '', images: [] };
  if (typeof content === 'string') return { text: content, images: [] };
  if (!Array.isArray(content)) throw invalid(`${where}.content must be a string or blocks`, `messages.${i}`);
  const texts: string[] = [];
  const images: Part[] = [];
  content.forEach((b: Block, k) => {
    const part = userPart(b, `${where}.content[${k}]`, i);
    if (!part) return;
    if (part.type === 'text') texts.push(part.text as string);
    else images.push(part);
  });
  return { text: texts.join('\n'), images };
}

function userPart(b: Block, where: string, i: number): Part | undefined {
  switch (b.type) {
    case 'text':
      return typeof b.text === 'string' ? { type: 'text', text: b.text } : undefined;
    case 'image':
      return { type: 'image_url', image_url: { url: imageUrl(b.source, where, i) } };
    case 'document':
      return documentPart(b, where, i);
    default:
      // thinking, search results, container uploads…: nothing an OpenAI chat model can take.
      return undefined;
  }
}

function imageUrl(source: unknown, where: string, i: number): string {
  const s = (source ?? {}) as { type?: unknown; media_type?: unknown; data?: unknown; url?: unknown };
  if (s.type === 'base64' && typeof s.data === 'string' && typeof s.media_type === 'string')
    return `data:${s.media_type};base64,${s.data}`;
  if (s.type === 'url' && typeof s.url === 'string') return s.url;
  throw invalid(
    `${where}: an image source of type "${String(s.type)}" can only go to an upstream that speaks Anthropic's Messages API`,
    `messages.${i}`,
  );
}

function documentPart(b: Block, where: string, i: number): Part {
  const s = (b.source ?? {}) as { type?: unknown; media_type?: unknown; data?: unknown; content?: unknown };
  const title = typeof b.title === 'string' ? b.title : undefined;
  if (s.type === 'text' && typeof s.data === 'string')
    return { type: 'text', text: title ? `${title}\n\n${s.data}` : s.data };
  if (s.type === 'content' && Array.isArray(s.content)) {
    const text = (s.content as Block[])
      .map((c) => (c.type === 'text' && typeof c.text === 'string' ? c.text : ''))
      .filter(Boolean)
      .join('\n');
    return { type: 'text', text: title ? `${title}\n\n${text}` : text };
  }
  if (s.type === 'base64' && typeof s.data === 'string' && typeof s.media_type === 'string') {
    // OpenAI's file part (PDF input); servers without it answer with their own 400.
    return {
      type: 'file',
      file: { filename: title ?? 'document.pdf', file_data: `data:${s.media_type};base64,${s.data}` },
    };
  }
  throw invalid(
    `${where}: a document source of type "${String(s.type)}" can only go to an upstream that speaks Anthropic's Messages API`,
    `messages.${i}`,
  );
}
