// Cold start: from spawn() to the `listening on` line, the floor and Switchyard alternately, several
// times, against a database that already exists (as every start after the first finds it).
import type { BenchResult } from './report.ts';
import { median } from './stats.ts';
import { prepareSwitchyard, spawnFloor, spawnSwitchyard } from './targets.ts';

export async function coldStarts(upstreamUrl: string, runs: number): Promise<BenchResult['coldStart']> {
  const setup = prepareSwitchyard(upstreamUrl);
  try {
    // The first start creates the database and fills the page cache: a user's restarts find both.
    await (await spawnSwitchyard(setup)).stop();
    await (await spawnFloor(upstreamUrl)).stop();
    const times: Record<'floor' | 'switchyard', number[]> = { floor: [], switchyard: [] };
    for (let i = 0; i < runs; i++) {
      for (const name of i % 2 === 0
        ? (['floor', 'switchyard'] as const)
        : (['switchyard', 'floor'] as const)) {
        const p = name === 'floor' ? await spawnFloor(upstreamUrl) : await spawnSwitchyard(setup);
        times[name].push(p.startMs);
        await p.stop();
      }
    }
    return {
      floor: { runsMs: times.floor, medianMs: median(times.floor) },
      switchyard: { runsMs: times.switchyard, medianMs: median(times.switchyard) },
    };
  } finally {
    setup.cleanup();
  }
}
