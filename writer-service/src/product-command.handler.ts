import type { ProductTopics } from '@cqrs-products/contracts';
import type { DbMetrics } from '@cqrs-products/metrics';
import { activeTraceHeaders } from '@cqrs-products/tracing';
import type pg from 'pg';
import { assertNever, decide, type ProductCommand, type ProductEvent } from './domain/product.js';
import { writerErrors } from './errors.js';
import { toOutboxRow } from './kafka/product-events.js';
import { inTransaction, type Queryable } from './postgres/db.js';
import { insertOutboxRow } from './postgres/outbox.repository.js';
import {
  deleteProduct,
  findProductForUpdate,
  insertProduct,
  updateProduct,
} from './postgres/product.repository.js';

export interface CommandEnvelope {
  /** Unique per command; a second delivery with the same id changes nothing. */
  readonly commandId: string;
  /** Where the command came from (its topic, or the gRPC method), recorded with the id. */
  readonly source: string;
  /** Trace context to carry over to the event. */
  readonly traceHeaders: Readonly<Record<string, string>>;
  readonly command: ProductCommand;
}

export type CommandResult =
  | { readonly kind: 'applied'; readonly event: ProductEvent }
  | { readonly kind: 'duplicate' };

export type HandleCommand = (envelope: CommandEnvelope) => Promise<CommandResult>;

export interface CommandHandlerDeps {
  readonly pool: pg.Pool;
  readonly eventTopics: ProductTopics['events'];
  readonly now?: () => Date;
  /** Records how long each command's transaction takes (the writer's database latency). */
  readonly db?: DbMetrics;
}

/**
 * One command, one transaction: record the command id, lock and read the product, decide, apply
 * the change, and queue the event in the outbox. Either all of it commits or none of it, so a
 * change is in PostgreSQL exactly when its event is in the outbox. Domain rejections are thrown
 * as coded AppErrors (each transport decides what they mean: DLQ or a gRPC status).
 */
export function createCommandHandler(deps: CommandHandlerDeps): HandleCommand {
  const now = deps.now ?? (() => new Date());
  const handle: HandleCommand = (envelope) =>
    inTransaction(deps.pool, async (tx) => {
      // Inserting the id first (rather than checking, then inserting at the end) also covers two
      // deliveries of one command running at once: the second waits on the key, then sees it.
      if (!(await recordCommand(tx, envelope))) return { kind: 'duplicate' };

      const { command } = envelope;
      const current = await findProductForUpdate(tx, command.productId);
      const decision = decide(command, current, now());
      if (!decision.ok) throw writerErrors[decision.rejection.code](decision.rejection.productId);

      await applyEvent(tx, decision.event);
      // The active span (this command's processing) becomes the event's parent, so the relay and
      // the reader continue the same trace; without tracing, the received context passes through.
      const trace = { ...envelope.traceHeaders, ...activeTraceHeaders() };
      await insertOutboxRow(tx, toOutboxRow(decision.event, deps.eventTopics, trace));
      return { kind: 'applied', event: decision.event };
    });
  const { db } = deps;
  return db
    ? (envelope) => db.time('postgresql', `${envelope.command.kind} transaction`, () => handle(envelope))
    : handle;
}

async function recordCommand(tx: Queryable, envelope: CommandEnvelope): Promise<boolean> {
  const result = await tx.query(
    'INSERT INTO processed_commands (command_id, topic) VALUES ($1, $2) ON CONFLICT (command_id) DO NOTHING',
    [envelope.commandId, envelope.source],
  );
  return result.rowCount === 1;
}

async function applyEvent(tx: Queryable, event: ProductEvent): Promise<void> {
  switch (event.kind) {
    case 'created':
      // There was no row to lock when deciding; a concurrent create of the same id shows up here.
      if (!(await insertProduct(tx, event.product)))
        throw writerErrors.PRODUCT_ALREADY_EXISTS(event.product.productId);
      return;
    case 'updated':
      return updateProduct(tx, event.product);
    case 'deleted':
      return deleteProduct(tx, event.productId);
    default:
      return assertNever(event);
  }
}
