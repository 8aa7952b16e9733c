import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeService, readTracingEnv } from '../src/environment.js';

describe('tracing settings from the standard OTEL_* variables', () => {
  it('traces by default, and still instruments when only the exporter is off', () => {
    expect(readTracingEnv({})).toEqual({ ok: true, enabled: true });
    expect(readTracingEnv({ OTEL_TRACES_EXPORTER: 'none' })).toEqual({ ok: true, enabled: true });
  });

  it('turns everything off with OTEL_SDK_DISABLED=true', () => {
    expect(readTracingEnv({ OTEL_SDK_DISABLED: 'true' })).toEqual({ ok: true, enabled: false });
  });

  it.each([
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'jaeger:4318'],
    ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'ftp://collector/v1/traces'],
    ['OTEL_EXPORTER_OTLP_PROTOCOL', 'thrift'],
    ['OTEL_TRACES_EXPORTER', 'jaeger'],
    ['OTEL_TRACES_SAMPLER', 'sometimes'],
    ['OTEL_TRACES_SAMPLER_ARG', '1.5'],
    ['TRACES_PER_SECOND', '-1'],
    ['TRACES_PER_SECOND', 'often'],
    ['OTEL_SDK_DISABLED', 'yes'],
  ])('refuses %s=%s and names the variable', (name, value) => {
    const settings = readTracingEnv({
      [name]: value,
      ...(name.startsWith('OTEL_TRACES_SAMPLER_') && { OTEL_TRACES_SAMPLER: 'traceidratio' }),
    });
    expect(settings.ok).toBe(false);
    expect(settings.ok ? '' : settings.error).toMatch(new RegExp(`^tracing \\(env ${name}\\): `));
  });
});

describe('sampler settings that would be ignored are refused, not ignored', () => {
  it('OTEL_TRACES_SAMPLER_ARG without OTEL_TRACES_SAMPLER (the default sampler is limited by rate)', () => {
    expect(readTracingEnv({ OTEL_TRACES_SAMPLER_ARG: '0.5' })).toEqual({
      ok: false,
      error:
        'tracing (env OTEL_TRACES_SAMPLER_ARG): applies only with OTEL_TRACES_SAMPLER; the default sampler is limited by TRACES_PER_SECOND',
    });
    expect(readTracingEnv({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.5' }).ok).toBe(
      true,
    );
  });

  it('TRACES_PER_SECOND beside another sampler', () => {
    const settings = readTracingEnv({ TRACES_PER_SECOND: '5', OTEL_TRACES_SAMPLER: 'always_on' });
    expect(settings.ok ? '' : settings.error).toMatch(/^tracing \(env TRACES_PER_SECOND\): /);
    expect(readTracingEnv({ TRACES_PER_SECOND: '5' })).toEqual({ ok: true, enabled: true });
  });
});

describe('the traced service name and version', () => {
  it('come from the package.json next to the entry point', () => {
    const entry = fileURLToPath(new URL('../../../writer-service/src/main.ts', import.meta.url));
    expect(describeService(entry)).toEqual({ serviceName: 'writer-service', serviceVersion: '0.1.0' });
  });
});
