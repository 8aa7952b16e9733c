import type { DbMetrics } from '@cqrs-products/metrics';
import type { MongoClient } from 'mongodb';

/** Records each MongoDB command's duration from the driver's command monitoring events. */
export function observeMongoCommands(client: MongoClient, db: DbMetrics): void {
  const observe = (operation: string, outcome: string, durationMs: number) =>
    db.duration.observe({ db_system: 'mongodb', db_operation: operation, outcome }, durationMs / 1000);
  client.on('commandSucceeded', (event) => observe(event.commandName, 'success', event.duration));
  client.on('commandFailed', (event) => observe(event.commandName, 'error', event.duration));
}
