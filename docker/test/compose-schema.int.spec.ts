import type { ValidateFunction } from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { composeFiles, readCompose } from './compose-file.js';
import { composeValidator } from './compose-schema.js';

// An int test only because the schema comes from the Go module proxy on the first run.
describe('the compose files against the Compose Specification schema', () => {
  let validate: ValidateFunction;
  beforeAll(() => {
    validate = composeValidator();
  });

  it.each(composeFiles)('%s is valid', (file) => {
    validate(readCompose(file));
    expect(validate.errors ?? []).toEqual([]);
  });

  it('rejects what docker compose would reject, such as an unknown depends_on condition', () => {
    const compose = readCompose('docker-compose.yaml');
    const broken = {
      ...compose,
      services: {
        ...compose.services,
        migrate: { image: 'x:1', depends_on: { postgres: { condition: 'healthy' } } },
      },
    };
    expect(validate(broken)).toBe(false);
  });
});
