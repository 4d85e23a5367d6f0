// The streaming load: `connections` clients, each on its own keep-alive connection, each running
// streams one after another. For every stream it records time to first byte, total time and, for every
// content chunk, how long after the upstream wrote it the chunk arrived (the upstream stamps each event
// with its CLOCK_MONOTONIC send time); and it checks the stream is whole: 20 content chunks, a
// finish_reason, the usage chunk and a final [DONE].
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'undici';
import { nowUs, STREAM_BODY, STREAM_TOKENS } from './wire.ts';

export interface SseJob {
  url: string;
  key: string;
  connections: number;
  streamsPerConnection: number;
  /**
   * Spread the connections' first streams over this many ms. Paced streams started together would tick
   * in lockstep, and every chunk would queue behind the other 15 connections' chunks of the same tick.
   */
  staggerMs?: number;
}

export interface StreamRecord {
  ok: boolean;
  /** Why the stream is not whole (unset when ok). */
  problem?: string;
  headersMs: number;
  ttfbMs: number;
  totalMs: number;
  /** Receive time minus the upstream's send time, per content chunk, ms. */
  lagMs: number[];
  /** Time between consecutive content chunks' arrivals, ms. */
  gapMs: number[];
}

interface ChunkEvent {
  choices?: { delta?: { content?: string }; finish_reason?: string | null }[];
  usage?: { completion_tokens?: number } | null;
  bench_sent_us?: number;
}

function runStream(client: Client, job: SseJob): Promise<StreamRecord> {
  const start = nowUs();
  const rec: StreamRecord = { ok: false, headersMs: NaN, ttfbMs: NaN, totalMs: NaN, lagMs: [], gapMs: [] };
  let buf = '';
  let content = 0;
  let finished = false;
  let usage = false;
  let done = false;
  let afterDone = false;
  let lastArrival = NaN;
  let bad: string | undefined;

  const onEvent = (payload: string, at: number) => {
    if (done) {
      afterDone = true;
      return;
    }
    if (payload === '[DONE]') {
      done = true;
      return;
    }
    let ev: ChunkEvent;
    try {
      ev = JSON.parse(payload) as ChunkEvent;
    } catch {
      bad ??= `event is not JSON: ${payload.slice(0, 80)}`;
      return;
    }
    const choice = ev.choices?.[0];
    if (choice?.finish_reason) finished = true;
    if (typeof choice?.delta?.content === 'string' && choice.delta.content !== '') {
      content++;
      if (typeof ev.bench_sent_us === 'number') rec.lagMs.push((at - ev.bench_sent_us) / 1e3);
      if (!Number.isNaN(lastArrival)) rec.gapMs.push((at - lastArrival) / 1e3);
      lastArrival = at;
    }
    if ((ev.choices?.length ?? 0) === 0 && ev.usage?.completion_tokens === STREAM_TOKENS) usage = true;
  };

  return new Promise<StreamRecord>((resolve) => {
    client
      .request({
        method: 'POST',
        path: '/v1/chat/completions',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${job.key}` },
        body: STREAM_BODY,
      })
      .then(
        ({ statusCode, body }) => {
          rec.headersMs = (nowUs() - start) / 1e3;
          if (statusCode !== 200) bad = `status ${statusCode}`;
          body.setEncoding('utf8');
          body.on('data', (text: string) => {
            const at = nowUs();
            if (Number.isNaN(rec.ttfbMs)) rec.ttfbMs = (at - start) / 1e3;
            buf += text;
            let end: number;
            while ((end = buf.indexOf('\n\n')) !== -1) {
              const event = buf.slice(0, end);
              buf = buf.slice(end + 2);
              for (const line of event.split('\n')) {
                if (line.startsWith('data:')) onEvent(line.slice(line.charCodeAt(5) === 32 ? 6 : 5), at);
              }
            }
          });
          body.on('end', () => {
            rec.totalMs = (nowUs() - start) / 1e3;
            if (!bad && content !== STREAM_TOKENS) bad = `${content} content chunks, not ${STREAM_TOKENS}`;
            if (!bad && !finished) bad = 'no finish_reason';
            if (!bad && !usage) bad = 'no usage chunk';
            if (!bad && !done) bad = 'no [DONE]';
            if (!bad && (afterDone || buf.trim() !== '')) bad = 'events after [DONE]';
            rec.ok = bad === undefined;
            if (bad) rec.problem = bad;
            resolve(rec);
          });
          body.on('error', (err: Error) => {
            rec.problem = `stream error: ${err.message}`;
            resolve(rec);
          });
        },
        (err: Error) => {
          rec.problem = `request failed: ${err.message}`;
          resolve(rec);
        },
      );
  });
}

export async function runSse(job: SseJob): Promise<{ records: StreamRecord[]; durationS: number }> {
  const clients = Array.from(
    { length: job.connections },
    () => new Client(job.url, { keepAliveTimeout: 120_000, pipelining: 1 }),
  );
  const records: StreamRecord[] = [];
  const started = performance.now();
  try {
    await Promise.all(
      clients.map(async (client, i) => {
        if (job.staggerMs) await sleep((i * job.staggerMs) / job.connections);
        for (let i = 0; i < job.streamsPerConnection; i++) records.push(await runStream(client, job));
      }),
    );
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
  return { records, durationS: (performance.now() - started) / 1e3 };
}
