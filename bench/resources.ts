import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU and memory of processes from /proc: a process together with all its descendants (a
 * PostgreSQL postmaster is nothing without its backends), sampled at a fixed interval.
 */

export interface ResourceSample {
  /** Seconds since the sampler started. */
  readonly t: number;
  readonly process: string;
  /** Percent of one core over the last interval (200 = both cores of this machine). */
  readonly cpuPercent: number;
  readonly rssMiB: number;
}

export interface ResourceSampler {
  readonly samples: ResourceSample[];
  /** Starts sampling another process (e.g. a service restarted under a new pid). */
  watch(name: string, pid: number): void;
  stop(): ResourceSample[];
}

const ticksPerSecond = 100; // USER_HZ on Linux
const pageKiB = 4;

interface Usage {
  readonly ticks: number;
  readonly rssKiB: number;
}

function readStat(pid: number): { ppid: number; ticks: number; rssPages: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses; fields follow the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      ppid: Number(fields[1]),
      ticks: Number(fields[11]) + Number(fields[12]),
      rssPages: Number(fields[21]),
    };
  } catch {
    return undefined;
  }
}

function treeUsage(root: number): Usage | undefined {
  const stats = new Map<number, NonNullable<ReturnType<typeof readStat>>>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) stats.set(Number(entry), stat);
  }
  if (!stats.has(root)) return undefined;
  const members = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, stat] of stats)
      if (!members.has(pid) && members.has(stat.ppid)) {
        members.add(pid);
        grew = true;
      }
  }
  let ticks = 0;
  let rssKiB = 0;
  for (const pid of members) {
    const stat = stats.get(pid);
    if (!stat) continue;
    ticks += stat.ticks;
    rssKiB += stat.rssPages * pageKiB;
  }
  return { ticks, rssKiB };
}

export function startResourceSampler(intervalMs = 1_000): ResourceSampler {
  const started = performance.now();
  const watched = new Map<string, { pid: number; last?: Usage; lastAt?: number }>();
  const samples: ResourceSample[] = [];
  const sample = () => {
    const now = performance.now();
    for (const [name, entry] of watched) {
      const usage = treeUsage(entry.pid);
      if (!usage) continue;
      if (entry.last && entry.lastAt !== undefined) {
        const seconds = (now - entry.lastAt) / 1000;
        samples.push({
          t: Math.round((now - started) / 100) / 10,
          process: name,
          cpuPercent: Math.round(((usage.ticks - entry.last.ticks) / ticksPerSecond / seconds) * 1000) / 10,
          rssMiB: Math.round(usage.rssKiB / 102.4) / 10,
        });
      }
      entry.last = usage;
      entry.lastAt = now;
    }
  };
  const timer = setInterval(sample, intervalMs);
  return {
    samples,
    watch: (name, pid) => {
      watched.set(name, { pid });
    },
    stop: () => {
      clearInterval(timer);
      return samples;
    },
  };
}

/** The pid in a scripts/infra pid file (first line), if the file exists. */
export function pidFromFile(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
