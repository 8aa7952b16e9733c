import { runService } from '@cqrs-products/shutdown';
import { shutdownTracing } from '@cqrs-products/tracing';
import { readConfig } from './config.js';
import { start } from './start.js';

const config = readConfig();
// Tracing is flushed last, so the spans of the shutdown itself are exported too.
await runService('api-gateway', { start: () => start(config), afterStop: shutdownTracing });
