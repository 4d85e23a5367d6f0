// What the upstream, the load generator and the report agree on: the request bodies every target gets,
// the shape of a stream, and the clock the upstream stamps stream events with.

/** Content chunks in every stream (one token each); the last carries finish_reason. */
export const STREAM_TOKENS = 20;
export const PROMPT_TOKENS = 12;

/** The alias Switchyard routes (with a fallback); the floor and the upstream ignore the name. */
export const BENCH_ALIAS = 'fast';

const messages = [
  { role: 'user', content: 'def fibonacci(n):\n    """Return the n-th Fibonacci number."""' },
];

/** An autocomplete-sized chat request. */
export const UNARY_BODY = JSON.stringify({ model: BENCH_ALIAS, messages, max_tokens: 32, temperature: 0 });

/** The same request, streamed, asking for the usage chunk as OpenAI's clients do. */
export const STREAM_BODY = JSON.stringify({
  model: BENCH_ALIAS,
  messages,
  max_tokens: 32,
  temperature: 0,
  stream: true,
  stream_options: { include_usage: true },
});

/**
 * CLOCK_MONOTONIC in µs (process.hrtime on Linux): one clock for every process on the machine, so a
 * time stamped by the upstream can be compared with the client's receive time.
 */
export const nowUs = (): number => Number(process.hrtime.bigint()) / 1e3;
