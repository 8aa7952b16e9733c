import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readSources } from '@cqrs-products/testing';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const folders = [
  'api-gateway/src',
  'api-gateway/test',
  'writer-service/src',
  'writer-service/test',
  'reader-service/src',
  'reader-service/test',
  'tools/dlq/src',
  'tools/dlq/test',
  'e2e/test',
  'bench',
  ...['contracts', 'kafka', 'testing', 'tracing'].flatMap((p) => [`packages/${p}/src`, `packages/${p}/test`]),
].filter((folder) => existsSync(`${repoRoot}${folder}`));
const importsFromContracts =
  /import\s*\{[^}]*\bdeadLetterTopic\b[^}]*\}\s*from\s*'@cqrs-products\/contracts'/;

// A ratchet: the dead-letter topic is the Kafka runner's convention (@cqrs-products/kafka); the
// contracts' deprecated copy goes once these files import the runner's. A new user fails here.
describe("the contracts' deprecated deadLetterTopic", () => {
  it('is imported only by the files listed, a list that only shrinks', () => {
    const users = folders.flatMap((folder) =>
      readSources(`${repoRoot}${folder}`)
        .filter((file) => importsFromContracts.test(file.text))
        .map((file) => `${folder}/${file.path}`),
    );
    expect(users.sort()).toEqual(['bench/scale-stack.ts', 'packages/kafka/test/batch-consumer.int.spec.ts']);
  });
});
