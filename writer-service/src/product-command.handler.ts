import type { ProductTopics } from '@cqrs-products/contracts';
import type { AppError } from '@cqrs-products/errors';
import type { DbMetrics } from '@cqrs-products/metrics';
import type pg from 'pg';
import {
  type CommandEnvelope,
  canonicalEnvelope,
  type PlannedOutcome,
  planBatch,
  productsToUnpark,
} from './command-batch.js';
import type { ProductEvent } from './domain/product.js';
import { writerErrors } from './errors.js';
import { toOutboxRow } from './outbox/product-events.js';
import { inTransaction } from './postgres/db.js';
import { insertOutboxRows } from './postgres/outbox.repository.js';
import { parkCommands, takeParkedCommands } from './postgres/parked-command.repository.js';
import { forgetCommands, recordCommands } from './postgres/processed-command.repository.js';
import {
  deleteProducts,
  findProductsForUpdate,
  lockProducts,
  saveProducts,
} from './postgres/product.repository.js';

export type { CommandEnvelope, KafkaOrigin } from './command-batch.js';

export type CommandOutcome =
  | { readonly kind: 'applied'; readonly event: ProductEvent }
  | { readonly kind: 'duplicate' }
  /** An update or delete from Kafka whose product does not exist (yet): it waits for its create. */
  | { readonly kind: 'parked' }
  /** A domain rejection (coded AppError); the command changed nothing and is not recorded. */
  | { readonly kind: 'rejected'; readonly error: AppError };

/** One outcome per envelope, in the same order. */
export type HandleCommands = (envelopes: readonly CommandEnvelope[]) => Promise<CommandOutcome[]>;

export type CommandResult = Exclude<CommandOutcome, { kind: 'rejected' }>;
/** One command; a domain rejection is thrown as its coded AppError. */
export type HandleCommand = (envelope: CommandEnvelope) => Promise<CommandResult>;

export interface CommandHandlerDeps {
  readonly pool: pg.Pool;
  readonly eventTopics: ProductTopics['events'];
  readonly now?: () => Date;
  /** Records how long each batch's transaction takes (the writer's database latency). */
  readonly db?: DbMetrics;
}

/**
 * A batch of commands, one transaction, a fixed number of statements whatever its size: lock the
 * products, record the command ids, read the products, take the parked commands a create
 * releases, decide everything in order (pure), then write the products, the outbox rows and the
 * commands still waiting. Either all of it commits or none of it, so a change is in PostgreSQL
 * exactly when its event is in the outbox. A failure of any statement fails the whole batch.
 */
export function createBatchHandler(deps: CommandHandlerDeps): HandleCommands {
  const now = deps.now ?? (() => new Date());
  const handle: HandleCommands = (received) => {
    if (received.length === 0) return Promise.resolve([]);
    const envelopes = received.map(canonicalEnvelope);
    return inTransaction(deps.pool, async (tx) => {
      const productIds = [...new Set(envelopes.map((e) => e.command.productId))];
      // Locks first: everything below decides on state no other batch can change meanwhile.
      await lockProducts(tx, productIds);
      const fresh = await recordCommands(tx, envelopes);
      const current = await findProductsForUpdate(tx, productIds);
      const parked = await takeParkedCommands(tx, productsToUnpark({ envelopes, fresh, current }));

      const plan = planBatch({ envelopes, fresh, current, parked, now: now() });

      await saveProducts(tx, plan.save);
      await deleteProducts(tx, plan.remove);
      await insertOutboxRows(
        tx,
        plan.events.map(({ event, traceHeaders, commandId }) =>
          toOutboxRow(event, deps.eventTopics, traceHeaders, commandId),
        ),
      );
      await parkCommands(tx, plan.park);
      await forgetCommands(tx, plan.forget);
      return plan.outcomes.map(toOutcome);
    });
  };
  const { db } = deps;
  return db
    ? (envelopes) => db.time('postgresql', 'command batch transaction', () => handle(envelopes))
    : handle;
}

/** The gRPC path (and tests): the same transaction with a batch of one. */
export function createCommandHandler(deps: CommandHandlerDeps): HandleCommand {
  const handleBatch = createBatchHandler(deps);
  return async (envelope) => {
    const [outcome] = await handleBatch([envelope]);
    if (!outcome) throw new Error('no outcome for the command');
    if (outcome.kind === 'rejected') throw outcome.error;
    return outcome;
  };
}

function toOutcome(planned: PlannedOutcome): CommandOutcome {
  if (planned.kind !== 'rejected') return planned;
  const { code, productId } = planned.rejection;
  return { kind: 'rejected', error: writerErrors[code](productId) };
}
