import { onShutdown } from '@cqrs-products/shutdown';
import { shutdownTracing } from '@cqrs-products/tracing';
import { readConfig } from './config.js';
import { start } from './start.js';

const config = readConfig();
try {
  const service = await start(config);
  const stop = async () => {
    await service.stop();
    // Last, so the spans of the shutdown itself are flushed too.
    await shutdownTracing();
  };
  onShutdown({ stop, log: service.log });
} catch (error) {
  process.stderr.write(`api-gateway failed to start: ${(error as Error).message}\n`);
  process.exit(1);
}
