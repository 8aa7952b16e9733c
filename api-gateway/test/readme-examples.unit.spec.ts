import { readFileSync } from 'node:fs';
import { createLogger } from '@cqrs-products/logger';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReaderClient } from '../src/grpc/reader.client.js';
import { buildApp } from '../src/http/app.js';
import type { ProductCommands } from '../src/kafka/product-commands.producer.js';

/**
 * The README's error example is the gateway's real answer to the README's own curl: the body of
 * the `-d '...'` after "# errors are problem+json" is sent, and the answer must equal the first
 * JSON block that follows it, so the documentation cannot drift from the code.
 */
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const afterMarker = readme.slice(readme.indexOf('# errors are problem+json'));
const curlBody = /-d '([^']*)'/.exec(afterMarker)?.[1];
const documented = /```json\n([\s\S]*?)\n```/.exec(afterMarker)?.[1];

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildApp({
    log: createLogger({ service: 'readme-test', level: 'silent' }),
    commands: {} as ProductCommands,
    reader: {} as ReaderClient,
  });
  await app.ready();
});
afterAll(() => app?.close());

describe("the README's error example", () => {
  it('is the answer the gateway really gives to the curl it shows', async () => {
    expect(curlBody, 'the README shows a curl with a body').toBeDefined();
    expect(documented, 'the README shows the answer as JSON').toBeDefined();
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/products',
      headers: { 'content-type': 'application/json' },
      payload: curlBody,
    });
    expect(response.json()).toEqual(JSON.parse(documented as string));
  });
});
