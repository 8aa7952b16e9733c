import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

/**
 * The Compose Specification schema as docker compose itself embeds it: from the Go module
 * compose-go, fetched through the Go module proxy (no GitHub) into the Go module cache, so only
 * the first run needs the network. Pinned: a newer spec may accept what today's Docker refuses.
 */
export const composeGoModule = 'github.com/compose-spec/compose-go/v2@v2.16.2';

export function composeSpecSchema(): object {
  let downloaded: string;
  try {
    downloaded = execFileSync('go', ['mod', 'download', '-json', composeGoModule], {
      encoding: 'utf8',
      timeout: 120_000,
      // Outside any Go module, so no go.mod is read or written.
      cwd: '/',
    });
  } catch (error) {
    throw new Error(
      `could not fetch ${composeGoModule} with \`go mod download\` (Go and the module proxy are needed once; ` +
        `the native infra needs Go too): ${(error as Error).message}`,
    );
  }
  const { Dir } = JSON.parse(downloaded) as { Dir: string };
  return JSON.parse(readFileSync(join(Dir, 'schema', 'compose-spec.json'), 'utf8')) as object;
}

/** An Ajv validator for that schema, with compose-go's one custom format (Go durations). */
export function composeValidator(): ValidateFunction {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  ajv.addFormat('duration', /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/);
  return ajv.compile(composeSpecSchema());
}
