// OpenAI chat request → Ollama /api/chat request. Ollama wants flat string content, inline base64
// images and tool-call arguments as objects, so messages are rebuilt rather than passed through.
import type { ChatCompletionRequest, ChatMessage } from '../../../../shared/wire/openai-requests.ts';
import { GatewayError } from '../../errors.ts';
import { commonFields } from './options.ts';
import type { OllamaToolCall } from './wire.ts';

export interface OllamaMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  images?: string[];
  tool_calls?: OllamaToolCall[];
  tool_name?: string;
}

interface OpenAIToolCall {
  id?: unknown;
  function?: { name?: unknown; arguments?: unknown };
}

const invalid = (message: string, param = 'messages'): GatewayError =>
  new GatewayError(400, 'invalid_request', message, { param });

export function toOllamaChat(
  model: string,
  body: ChatCompletionRequest,
  stream: boolean,
): Record<string, unknown> {
  const request: Record<string, unknown> = {
    model,
    messages: toOllamaMessages(body.messages),
    stream,
    ...commonFields(body),
  };
  if (body.tools && body.tools.length > 0) request.tools = body.tools;
  return request;
}

export function toOllamaMessages(messages: ChatMessage[]): OllamaMessage[] {
  // Ollama matches a tool result to its call by function name, which OpenAI only puts on the call.
  const toolNames = new Map<string, string>();
  return messages.map((msg, i) => {
    const { content, images } = flattenContent(msg.content, i);
    const out: OllamaMessage = { role: 'user', content };
    if (images.length > 0) out.images = images;
    switch (msg.role) {
      case 'system':
      case 'developer':
        out.role = 'system';
        break;
      case 'user':
        break;
      case 'assistant': {
        out.role = 'assistant';
        const calls = (msg.tool_calls ?? []) as OpenAIToolCall[];
        if (calls.length > 0)
          out.tool_calls = calls.map((call, j) => toOllamaToolCall(call, i, j, toolNames));
        break;
      }
      case 'tool':
      case 'function': {
        out.role = 'tool';
        const name =
          msg.name ?? (msg.tool_call_id === undefined ? undefined : toolNames.get(msg.tool_call_id));
        if (name !== undefined) out.tool_name = name;
        break;
      }
    }
    return out;
  });
}

function toOllamaToolCall(
  call: OpenAIToolCall,
  i: number,
  j: number,
  names: Map<string, string>,
): OllamaToolCall {
  const fn = call.function;
  if (!fn || typeof fn.name !== 'string')
    throw invalid(`messages[${i}].tool_calls[${j}] has no function name`);
  if (typeof call.id === 'string') names.set(call.id, fn.name);
  let args: unknown = fn.arguments ?? {};
  if (typeof args === 'string') {
    try {
      args = args.trim() === '' ? {} : JSON.parse(args);
    } catch {
      throw invalid(`messages[${i}].tool_calls[${j}].function.arguments is not valid JSON`);
    }
  }
  if (!args || typeof args !== 'object' || Array.isArray(args)) {
    throw invalid(`messages[${i}].tool_calls[${j}].function.arguments must be a JSON object`);
  }
  return { function: { name: fn.name, arguments: args as Record<string, unknown> } };
}

function flattenContent(content: ChatMessage['content'], i: number): { content: string; images: string[] } {
  if (content === undefined || content === null) return { content: '', images: [] };
  if (typeof content === 'string') return { content, images: [] };
  const texts: string[] = [];
  const images: string[] = [];
  for (const part of content) {
    if (part.type === 'text' && typeof part.text === 'string') texts.push(part.text);
    else if (part.type === 'image_url') images.push(inlineImage(part.image_url, i));
    else throw invalid(`messages[${i}] has a content part of type "${part.type}", which Ollama cannot take`);
  }
  return { content: texts.join('\n'), images };
}

function inlineImage(imageUrl: unknown, i: number): string {
  const url = typeof imageUrl === 'string' ? imageUrl : (imageUrl as { url?: unknown } | undefined)?.url;
  if (typeof url !== 'string') throw invalid(`messages[${i}] has an image_url part without a url`);
  const match = /^data:([^,]*),(.*)$/s.exec(url);
  if (!match) {
    throw invalid(
      `messages[${i}] links an image by URL; Ollama needs images inline, as a data: URL with base64 content`,
    );
  }
  const [, header = '', payload = ''] = match;
  if (header.split(';').includes('base64')) return payload;
  return Buffer.from(decodeURIComponent(payload), 'utf8').toString('base64');
}
