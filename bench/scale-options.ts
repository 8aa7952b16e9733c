import { z } from 'zod';
import type { ScaleOptions } from './scale-run.js';

/** The scale run's command-line options, validated once (defaults are the full benchmark). */

const list = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text) => text.split(',').map(Number))
    .pipe(z.array(z.number().positive()).min(1));
const positive = (fallback: number) => z.coerce.number().positive().default(fallback);
const count = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const schema = z.object({
  existing: list('1000,100000').pipe(z.array(z.number().int())),
  rates: list('100,250,500,1000,2000'),
  seconds: positive(30),
  runs: count(3),
  'visible-every': count(20),
  'visible-probe': z.enum(['redis', 'get']).default('get'),
  // At least 10 ms between two looks at one sample, so the probe does not become the load.
  'poll-ms': z.coerce.number().min(10).default(10),
  'drain-timeout': positive(60),
  'seed-batch': count(1000),
  'seed-timeout': positive(3600),
  'reuse-factor': z.coerce.number().min(1).default(1.5),
  partitions: count(10),
  concurrency: list('1,10,50'),
  'query-seconds': z.coerce.number().min(0).default(4),
  'cpu-prof': z.boolean().default(false),
});

export function parseScaleOptions(args: Record<string, unknown>): ScaleOptions {
  const parsed = schema.safeParse(args);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`bench --scale: --${issue?.path.join('.')}: ${issue?.message}`);
  }
  const o = parsed.data;
  return {
    existing: [...o.existing].sort((a, b) => a - b),
    rates: [...o.rates].sort((a, b) => a - b),
    seconds: o.seconds,
    runs: o.runs,
    visibleEvery: o['visible-every'],
    visibleProbe: o['visible-probe'],
    pollMs: o['poll-ms'],
    drainTimeoutMs: o['drain-timeout'] * 1000,
    seedBatch: o['seed-batch'],
    seedTimeoutMs: o['seed-timeout'] * 1000,
    reuseFactor: o['reuse-factor'],
    partitions: o.partitions,
    concurrency: o.concurrency,
    querySeconds: o['query-seconds'],
    cpuProf: o['cpu-prof'],
  };
}
