import { fileURLToPath } from 'node:url';
import { runServiceMainToExit } from '@cqrs-products/testing';
import { describe, expect, it } from 'vitest';

describe('a service started with a wrong tracing setting', () => {
  it('stops at once with one line naming the variable', () => {
    const serviceDir = fileURLToPath(new URL('../../../reader-service/', import.meta.url));
    const result = runServiceMainToExit(serviceDir, { OTEL_EXPORTER_OTLP_ENDPOINT: 'localhost:4318' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^invalid config: tracing \(env OTEL_EXPORTER_OTLP_ENDPOINT\): .+\n$/);
  });
});
