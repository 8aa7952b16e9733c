/**
 * Dead-letter tooling: `npm run dlq -- list|show|redrive` (usage in args.ts, `--help`).
 * Run from the TypeScript sources like the benchmarks: node --conditions=source --import tsx.
 */
import { runCli } from './cli.js';

process.exitCode = await runCli(process.argv.slice(2), process.env, {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
});
