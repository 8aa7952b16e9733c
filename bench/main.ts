/**
 * The benchmark harness (`npm run bench`; not part of the test suite). Starts its own stack of the
 * three services on the native infra and writes bench/results/bench.json and SVG charts next to
 * it; prints the summary JSON on stdout.
 *
 * Default run (default-run.ts): fresh databases, a few offered create rates, then the query path.
 *   npm run bench -- [--rates 50,200,500,1000] [--seconds 5] [--concurrency 1,10,50] [--query-seconds 4]
 *
 * Scale run (scale-run.ts): rising create rates on kept databases seeded with 1k and 100k
 * existing products, median of several runs, then the query path on the largest size.
 *   npm run bench -- --scale [--existing 1000,100000] [--rates 100,250,500,1000,2000] [--seconds 30]
 *     [--runs 3] [--visible-every 20] [--visible-probe get|redis] [--poll-ms 10] [--drain-timeout 60]
 *     [--seed-batch 1000] [--seed-timeout 3600] [--reuse-factor 1.5] [--partitions 10] [--cpu-prof]
 *   npm run bench -- --scale --reset [--existing ...]   drops the kept bench data and exits
 *
 * Command path of the gateway alone (post-path.ts): the compiled gateway against Kafka, open-loop
 * creates, beside a bare Fastify route; --cpu-prof profiles both and summarises each rate.
 *   npm run bench -- --post-path [--rates 1000,2000] [--seconds 10] [--runs 3] [--cpu-prof] [--label after]
 *     [--targets gateway,bare] [--gateway-env KAFKA_PRODUCER_LINGER_MS=5,LOG_LEVEL=warn]
 *     [--baseline <copy of api-gateway with an older dist> --targets gateway,baseline,bare]
 *
 * GET by id alone (get-path.ts): the compiled stack on the scale mode's kept data, beside a bare
 * Fastify route, with gateway and reader CPU per request.
 *   npm run bench -- --get-path [--existing 1000] [--concurrency 10,50] [--seconds 8] [--runs 3]
 *     [--label after] [--env OTEL_TRACES_SAMPLER_ARG=0.01] [--cpu-prof]
 */
import { parseArgs } from 'node:util';
import { testEndpoints } from '@cqrs-products/testing';
import { benchDataName, dropBenchData } from './bench-data.js';
import { runDefault } from './default-run.js';
import { runGetPath } from './get-path.js';
import { startOtlpSink } from './otlp-sink.js';
import { runPostPath, type Target } from './post-path.js';
import { log } from './results.js';
import { parseScaleOptions } from './scale-options.js';
import { writeScaleResults } from './scale-report.js';
import { runScale } from './scale-run.js';

const { values: args } = parseArgs({
  options: {
    scale: { type: 'boolean', default: false },
    'post-path': { type: 'boolean', default: false },
    'get-path': { type: 'boolean', default: false },
    env: { type: 'string', default: '' },
    'cpu-prof': { type: 'boolean', default: false },
    label: { type: 'string', default: 'results' },
    targets: { type: 'string', default: 'gateway,bare' },
    'gateway-env': { type: 'string', default: '' },
    baseline: { type: 'string' },
    reset: { type: 'boolean', default: false },
    rates: { type: 'string' },
    seconds: { type: 'string' },
    concurrency: { type: 'string', default: '1,10,50' },
    'query-seconds': { type: 'string', default: '4' },
    'drain-timeout': { type: 'string' },
    existing: { type: 'string' },
    runs: { type: 'string' },
    'visible-every': { type: 'string' },
    'visible-probe': { type: 'string' },
    'poll-ms': { type: 'string' },
    'seed-batch': { type: 'string' },
    'seed-timeout': { type: 'string' },
    'reuse-factor': { type: 'string' },
    partitions: { type: 'string' },
  },
});
const numbers = (list: string) => list.split(',').map(Number);

// The services trace as in production (the default sampler, OTLP export); unless the caller
// points OTEL_* at a collector, spans go to a sink that discards them, so the numbers include
// tracing's cost but do not depend on a collector being there.
if (!process.env.OTEL_EXPORTER_OTLP_ENDPOINT && !process.env.OTEL_TRACES_EXPORTER) {
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = (await startOtlpSink()).url;
}

const pairs = (list: string) =>
  Object.fromEntries(
    list
      .split(',')
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );

if (args['get-path']) {
  const summary = await runGetPath({
    existing: Number(args.existing ?? '1000'),
    connections: numbers(args.concurrency === '1,10,50' ? '10,50' : args.concurrency),
    seconds: Number(args.seconds ?? '8'),
    runs: Number(args.runs ?? '3'),
    label: args.label,
    env: pairs(args.env),
    cpuProf: args['cpu-prof'],
  });
  console.table(summary);
} else if (args['post-path']) {
  const summary = await runPostPath({
    rates: numbers(args.rates ?? '1000,2000'),
    seconds: Number(args.seconds ?? '10'),
    runs: Number(args.runs ?? '3'),
    cpuProf: args['cpu-prof'],
    label: args.label,
    targets: args.targets.split(',') as Target[],
    baselineDir: args.baseline,
    gatewayEnv: Object.fromEntries(
      args['gateway-env']
        .split(',')
        .filter(Boolean)
        .map((pair) => pair.split('=') as [string, string]),
    ),
  });
  console.log(JSON.stringify(summary, null, 2));
} else if (!args.scale && !args.reset) {
  await runDefault({
    rates: numbers(args.rates ?? '50,200,500,1000'),
    seconds: Number(args.seconds ?? '5'),
    drainTimeoutMs: Number(args['drain-timeout'] ?? '45') * 1000,
    concurrency: numbers(args.concurrency),
    querySeconds: Number(args['query-seconds']),
  });
} else {
  const options = parseScaleOptions(args);
  if (args.reset) {
    for (const existing of options.existing) {
      log(`dropping ${benchDataName(existing)} (databases, cache keys, topics, consumer groups)`);
      await dropBenchData(testEndpoints(), benchDataName(existing), true);
    }
  } else {
    const summary = await writeScaleResults(await runScale(options), options);
    console.log(JSON.stringify(summary, null, 2));
  }
}
