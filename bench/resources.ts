import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { percentile } from './stats.js';

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
  /** Seconds since the sampler started: the clock of the samples' `t`. */
  now(): number;
  /** CPU seconds each watched process tree has used so far, read now (for per-window totals). */
  cpuSeconds(): Record<string, number>;
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
      // utime + stime, plus cutime + cstime: children that already exited and were reaped (a
      // PostgreSQL backend of a closed connection) still count for the tree that ran them.
      ticks: Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]),
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
    now: () => Math.round((performance.now() - started) / 100) / 10,
    cpuSeconds: () =>
      Object.fromEntries(
        [...watched].flatMap(([name, { pid }]) => {
          const usage = treeUsage(pid);
          return usage ? [[name, usage.ticks / ticksPerSecond]] : [];
        }),
      ),
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

/** The native infra servers (scripts/infra pid files under the infra home), watched by name. */
export function watchInfraServers(sampler: ResourceSampler, home: string): void {
  for (const [name, file] of [
    ['kafka', 'run/kafka.pid'],
    ['ferretdb', 'run/ferretdb.pid'],
    ['postgres', 'postgres/data/postmaster.pid'],
    ['redis', 'run/redis.pid'],
  ] as const) {
    const pid = pidFromFile(join(home, file));
    if (pid) sampler.watch(name, pid);
  }
}

/** Median and peak CPU and RSS per process over the run. */
export function resourceSummary(samples: readonly ResourceSample[]) {
  const byProcess = new Map<string, ResourceSample[]>();
  for (const s of samples) byProcess.set(s.process, [...(byProcess.get(s.process) ?? []), s]);
  return Object.fromEntries(
    [...byProcess].map(([name, list]) => {
      const cpu = list.map((s) => s.cpuPercent);
      const rss = list.map((s) => s.rssMiB);
      return [
        name,
        {
          cpuPercentMedian: percentile(cpu, 50),
          cpuPercentMax: Math.max(...cpu),
          rssMiBMedian: percentile(rss, 50),
          rssMiBMax: Math.max(...rss),
        },
      ];
    }),
  );
}
