import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** Where and how a benchmark run reports: bench/results/bench.json, progress lines on stderr. */

export const resultsDir = new URL('./results/', import.meta.url);

export const log = (message: string): void => {
  process.stderr.write(`[bench] ${message}\n`);
};

/** What every results file starts with: when, on what, and whether spans were exported. */
export function runHeader() {
  return {
    benchmark: 'cqrs-products',
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, node: process.version },
    tracing: {
      exporter: process.env.OTEL_TRACES_EXPORTER ?? 'otlp',
      endpoint: process.env.OTEL_EXPORTER_OTLP_ENDPOINT,
      sampler: process.env.OTEL_TRACES_SAMPLER ?? `parentbased, ${process.env.TRACES_PER_SECOND ?? 10}/s`,
      sdkDisabled: process.env.OTEL_SDK_DISABLED === 'true',
    },
  };
}

export function writeResults(dir: URL, results: object): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL('bench.json', dir), `${JSON.stringify(results, null, 2)}\n`);
}
