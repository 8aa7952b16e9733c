import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { TracingOptions } from './sdk.js';

const flag = z.enum(['true', 'false', 'TRUE', 'FALSE', '']).transform((v) => v.toLowerCase() === 'true');
const exporters = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()))
  .pipe(z.array(z.enum(['otlp', 'console', 'none'])));

/**
 * The standard OTEL_* variables this system documents. The SDK reads them itself but ignores
 * values it does not understand (a typo in the endpoint means traces silently go nowhere), so
 * they are checked here first and a wrong one stops the service at start-up.
 */
const tracingEnv = z.object({
  OTEL_SDK_DISABLED: flag.optional(),
  OTEL_TRACES_EXPORTER: exporters.optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  OTEL_EXPORTER_OTLP_PROTOCOL: z.enum(['grpc', 'http/protobuf', 'http/json']).optional(),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: z.enum(['grpc', 'http/protobuf', 'http/json']).optional(),
  OTEL_TRACES_SAMPLER: z
    .enum([
      'always_on',
      'always_off',
      'traceidratio',
      'parentbased_always_on',
      'parentbased_always_off',
      'parentbased_traceidratio',
    ])
    .optional(),
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).optional(),
  // Ours, not OpenTelemetry's: the default sampler's rate (sampler.ts).
  TRACES_PER_SECOND: z.coerce.number().min(0, 'must not be negative').max(1_000_000).optional(),
});

/** Settings the SDK would silently ignore in this combination. */
const ignored = (env: z.infer<typeof tracingEnv>): [string, string] | undefined => {
  if (env.OTEL_TRACES_SAMPLER_ARG !== undefined && !env.OTEL_TRACES_SAMPLER)
    return [
      'OTEL_TRACES_SAMPLER_ARG',
      'applies only with OTEL_TRACES_SAMPLER; the default sampler is limited by TRACES_PER_SECOND',
    ];
  if (env.TRACES_PER_SECOND !== undefined && env.OTEL_TRACES_SAMPLER)
    return [
      'TRACES_PER_SECOND',
      `is the default sampler's rate; OTEL_TRACES_SAMPLER chooses another sampler`,
    ];
  return undefined;
};

export type TracingEnv =
  | { readonly ok: true; readonly enabled: boolean }
  | { readonly ok: false; readonly error: string };

export function readTracingEnv(env: NodeJS.ProcessEnv): TracingEnv {
  const parsed = tracingEnv.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'OTEL_*');
    return { ok: false, error: `tracing (env ${name}): ${issue?.message ?? 'invalid'}` };
  }
  const conflict = ignored(parsed.data);
  if (conflict) return { ok: false, error: `tracing (env ${conflict[0]}): ${conflict[1]}` };
  // OTEL_TRACES_EXPORTER=none still instruments: context keeps flowing through Kafka headers
  // and logs, only nothing is exported.
  return { ok: true, enabled: !parsed.data.OTEL_SDK_DISABLED };
}

const packageJson = z.object({ name: z.string().min(1), version: z.string().min(1) });

/**
 * The service's name and version from the package.json next to its entry point, so the resource
 * matches what was deployed without every service repeating it in code.
 */
export function describeService(entryPoint: string | undefined): TracingOptions {
  let dir = dirname(entryPoint ?? join(process.cwd(), 'main'));
  for (;;) {
    try {
      const found = packageJson.parse(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')));
      return { serviceName: found.name, serviceVersion: found.version };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const parent = dirname(dir);
    if (parent === dir) return { serviceName: 'unknown_service:node', serviceVersion: '0.0.0' };
    dir = parent;
  }
}
