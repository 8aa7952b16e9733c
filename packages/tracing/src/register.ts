/**
 * Preloaded with `node --import @cqrs-products/tracing/register <main>`, so the SDK and the
 * module hooks exist before the service imports fastify, kafkajs, pg, mongodb, ioredis or grpc:
 * instrumentation patches a module when it loads, and a module loaded earlier stays unpatched.
 *
 * The services are ES modules, so the patching goes through import-in-the-middle's loader hook.
 * The message channel limits that hook to the modules an instrumentation asked for instead of
 * wrapping every module of the application.
 */
import { register } from 'node:module';
import { createAddHookMessageChannel } from 'import-in-the-middle';
import { describeService, readTracingEnv } from './environment.js';
import { startTracing } from './sdk.js';

const settings = readTracingEnv(process.env);
if (!settings.ok) {
  process.stderr.write(`invalid config: ${settings.error}\n`);
  process.exit(1);
}

if (settings.enabled) {
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
  startTracing(describeService(process.argv[1]));
  await waitForAllMessagesAcknowledged();
}
