import { onShutdown } from '@cqrs-products/shutdown';
import { readConfig } from './config.js';
import { start } from './start.js';

const config = readConfig();
try {
  const service = await start(config);
  onShutdown({ stop: service.stop, log: service.log });
} catch (error) {
  process.stderr.write(`reader-service failed to start: ${(error as Error).message}\n`);
  process.exit(1);
}
