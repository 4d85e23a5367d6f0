// What a process costs, read from outside it (/proc, Linux): CPU time and memory of each target, so the
// measuring never runs inside the process being measured.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/**
 * User + system CPU time the process has used so far, in µs: from the scheduler's nanosecond count of
 * each of its threads (/proc/<pid>/task/<tid>/schedstat) where the kernel keeps one, else from stat's
 * clock ticks (10 ms). A paced SSE round uses ~200 ms of CPU, so ticks alone left ±5% per reading.
 */
export function cpuTimeUs(pid: number): number {
  const precise = schedCpuUs(pid);
  return precise ?? tickCpuUs(pid);
}

/** The sum of the live threads' run time (ns → µs); undefined where the kernel does not count it. */
function schedCpuUs(pid: number): number | undefined {
  let ns = 0;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // the thread ended between the listing and the read
      }
    }
  } catch {
    return undefined;
  }
  return ns > 0 ? ns / 1e3 : undefined;
}

/** utime + stime from /proc/<pid>/stat (every thread's, ended ones too), in µs; resolution 10 ms. */
export function tickCpuUs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces and parentheses: count fields after its closing paren.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of stat(5), utime and stime, are the 12th and 13th after the name.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1e6) / clockTicks();
}

export interface Memory {
  /** Resident set size now, MB. */
  rssMb: number;
  /** Peak resident set size since start (or since resetPeak), MB. */
  hwmMb: number;
  /** The anonymous part of the RSS (heaps), MB: the rest is mapped files (the node binary, libraries). */
  anonMb: number;
}

export function memory(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string): number =>
    Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024, anonMb: kb('RssAnon') / 1024 };
}

/** Resets VmHWM to the current RSS (clear_refs, Linux ≥ 4.0); false when the kernel refuses. */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Samples RSS while load runs: the peak even where VmHWM cannot be reset. */
export function sampleRss(pid: number, everyMs = 100): { stop(): number } {
  let peak = 0;
  const take = () => {
    try {
      peak = Math.max(peak, memory(pid).rssMb);
    } catch {
      // the process is gone; its last sample stands
    }
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return peak;
    },
  };
}

export function machine(): Record<string, unknown> {
  const read = (file: string): string => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return '';
    }
  };
  const cpuinfo = read('/proc/cpuinfo');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? 'unknown';
  const memKb = Number(/^MemTotal:\s+(\d+)/m.exec(read('/proc/meminfo'))?.[1] ?? NaN);
  return {
    cpuModel: model,
    cpus: (cpuinfo.match(/^processor\s*:/gm) ?? []).length,
    memoryGb: Math.round((memKb / 1024 / 1024) * 10) / 10,
    kernel: read('/proc/sys/kernel/osrelease').trim(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}
