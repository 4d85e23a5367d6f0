// Legacy /v1/completions (editors' autocomplete) ↔ Ollama /api/generate, which takes one prompt string.
import type { CompletionRequest } from '../../../../shared/wire/openai-requests.ts';
import type { TextCompletion } from '../../../../shared/wire/openai-responses.ts';
import { GatewayError } from '../../errors.ts';
import type { StreamPiece } from '../provider.ts';
import { commonFields } from './options.ts';
import { finishReason, newId, ollamaUsage, unixNow, type OllamaGenerateLine } from './wire.ts';

function promptText(prompt: CompletionRequest['prompt']): string {
  if (typeof prompt === 'string') return prompt;
  if (prompt.length === 1 && typeof prompt[0] === 'string') return prompt[0];
  const why = prompt.some((p) => typeof p !== 'string')
    ? 'Ollama takes prompts as text, not token arrays'
    : 'Ollama takes one prompt per request';
  throw new GatewayError(400, 'invalid_request', why, { param: 'prompt' });
}

export function toOllamaGenerate(
  model: string,
  body: CompletionRequest,
  stream: boolean,
): Record<string, unknown> {
  const request: Record<string, unknown> = {
    model,
    prompt: promptText(body.prompt),
    stream,
    ...commonFields(body),
  };
  if (typeof body.suffix === 'string') request.suffix = body.suffix;
  if (typeof body.raw === 'boolean') request.raw = body.raw;
  return request;
}

export function toTextCompletion(json: OllamaGenerateLine, fallbackModel: string): TextCompletion {
  const usage = ollamaUsage(json);
  return {
    id: newId('cmpl-'),
    object: 'text_completion',
    created: unixNow(),
    model: json.model ?? fallbackModel,
    choices: [
      {
        index: 0,
        text: json.response ?? '',
        finish_reason: finishReason(json.done_reason, false),
        logprobs: null,
      },
    ],
    ...(usage ? { usage } : {}),
  };
}

export function completionChunkMapper(fallbackModel: string): (line: OllamaGenerateLine) => StreamPiece[] {
  const id = newId('cmpl-');
  const created = unixNow();
  return (line) => {
    const text = line.response ?? '';
    const base = { id, object: 'text_completion' as const, created, model: line.model ?? fallbackModel };
    if (!line.done) {
      if (!text) return [];
      const chunk: TextCompletion = {
        ...base,
        choices: [{ index: 0, text, finish_reason: null, logprobs: null }],
      };
      return [{ data: JSON.stringify(chunk), text }];
    }
    const finish = finishReason(line.done_reason, false);
    const last: TextCompletion = {
      ...base,
      choices: [{ index: 0, text, finish_reason: finish, logprobs: null }],
    };
    const pieces: StreamPiece[] = [{ data: JSON.stringify(last), text }];
    const usage = ollamaUsage(line);
    if (usage)
      pieces.push({
        data: JSON.stringify({ ...base, choices: [], usage }),
        text: '',
        usage,
        usageOnly: true,
      });
    return pieces;
  };
}
