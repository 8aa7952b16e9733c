/**
 * What a batch of commands does, decided in memory and free of I/O: the handler reads the state
 * (which command ids are new, the products' rows, the parked commands a create takes), asks
 * planBatch, and writes the plan in one transaction.
 */
import {
  decide,
  type Product,
  type ProductCommand,
  type ProductEvent,
  type ProductRejection,
} from './domain/product.js';

/** Where a command read from Kafka came from: enough to dead-letter it later as it was received. */
export interface KafkaOrigin {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string | string[]>>;
}

export interface CommandEnvelope {
  /** Unique per command; a second delivery with the same id changes nothing. */
  readonly commandId: string;
  /** Where the command came from (its topic, or the gRPC method), recorded with the id. */
  readonly source: string;
  /** Trace context to carry over to the event. */
  readonly traceHeaders: Readonly<Record<string, string>>;
  readonly command: ProductCommand;
  /**
   * Set for commands read from Kafka. Only those are parked when their product is unknown: a gRPC
   * caller waits for an answer, so it gets NOT_FOUND instead.
   */
  readonly origin?: KafkaOrigin;
}

/** A command waiting for its product's create (its id is already recorded as processed). */
export interface ParkedCommand {
  readonly envelope: CommandEnvelope;
  /** When it was first parked; undefined for a command parked by this batch. */
  readonly parkedAt?: Date;
}

export type PlannedOutcome =
  | { readonly kind: 'applied'; readonly event: ProductEvent }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'parked' }
  | { readonly kind: 'rejected'; readonly rejection: ProductRejection };

export interface PlannedEvent {
  readonly event: ProductEvent;
  readonly traceHeaders: Readonly<Record<string, string>>;
  /** The command that caused it: clients wait for it by this id (read-your-writes). */
  readonly commandId: string;
}

export interface BatchInput {
  /** In offset order. */
  readonly envelopes: readonly CommandEnvelope[];
  /** Ids this batch recorded as processed for the first time; the others are redeliveries. */
  readonly fresh: ReadonlySet<string>;
  /** The batch's products as they are now (absent: no such product). */
  readonly current: ReadonlyMap<string, Product>;
  /** Parked commands taken for the products this batch may create, each list in arrival order. */
  readonly parked: ReadonlyMap<string, readonly ParkedCommand[]>;
  readonly now: Date;
}

export interface BatchPlan {
  /** One per envelope, in the same order. */
  readonly outcomes: readonly PlannedOutcome[];
  /** Every event of the batch, in decision order: the outbox order. */
  readonly events: readonly PlannedEvent[];
  /** Products that exist after the batch and changed in it. */
  readonly save: readonly Product[];
  /** Products that existed before the batch and no longer do. */
  readonly remove: readonly string[];
  /** Commands that wait for a create (new ones, and taken ones that are still waiting). */
  readonly park: readonly ParkedCommand[];
  /** Ids of rejected commands: they must not stay recorded as processed. */
  readonly forget: readonly string[];
}

/**
 * UUIDs in lower case, the form PostgreSQL returns: the batch matches ids as strings (new ids,
 * rows, parked commands), and a product's events then carry one spelling of its id.
 */
export function canonicalEnvelope(envelope: CommandEnvelope): CommandEnvelope {
  return {
    ...envelope,
    commandId: envelope.commandId.toLowerCase(),
    command: { ...envelope.command, productId: envelope.command.productId.toLowerCase() },
  };
}

/** The products whose parked commands the batch takes: those a new create of it may create. */
export function productsToUnpark(input: Omit<BatchInput, 'parked' | 'now'>): string[] {
  const ids = input.envelopes
    .filter((e) => e.command.kind === 'create' && input.fresh.has(e.commandId))
    .map((e) => e.command.productId)
    .filter((productId) => !input.current.has(productId));
  return [...new Set(ids)];
}

/**
 * Decides every command in order against the running state, so that several commands of one
 * product in one batch see each other (create, update, update, delete -> versions 1 to 4). A
 * create is followed at once by its product's parked commands, so their events come right after
 * the create's.
 */
export function planBatch(input: BatchInput): BatchPlan {
  const state = new Map<string, Product | undefined>(input.current);
  const waiting = new Map<string, ParkedCommand[]>();
  for (const [productId, parked] of input.parked) waiting.set(productId, [...parked]);
  const consumed = new Set<string>();
  const events: PlannedEvent[] = [];
  const forget: string[] = [];

  const apply = (parked: ParkedCommand): PlannedOutcome => {
    const { command, traceHeaders, origin, commandId } = parked.envelope;
    const decision = decide(command, state.get(command.productId), input.now);
    if (!decision.ok) {
      if (decision.rejection.code === 'PRODUCT_NOT_FOUND' && origin) {
        waiting.set(command.productId, [...(waiting.get(command.productId) ?? []), parked]);
        return { kind: 'parked' };
      }
      return { kind: 'rejected', rejection: decision.rejection };
    }
    const { event } = decision;
    state.set(command.productId, event.type === 'ProductDeleted' ? undefined : event.product);
    events.push({ event, traceHeaders, commandId });
    if (event.type === 'ProductCreated') {
      const next = waiting.get(command.productId) ?? [];
      // Taken off the list first: one that cannot apply yet (an update after a parked delete)
      // goes back on a new list, for a later create.
      waiting.delete(command.productId);
      for (const waiter of next) apply(waiter);
    }
    return { kind: 'applied', event };
  };

  const outcomes = input.envelopes.map((envelope): PlannedOutcome => {
    if (!input.fresh.has(envelope.commandId) || consumed.has(envelope.commandId))
      return { kind: 'duplicate' };
    consumed.add(envelope.commandId);
    const outcome = apply({ envelope });
    if (outcome.kind === 'rejected') forget.push(envelope.commandId);
    return outcome;
  });

  const save: Product[] = [];
  const remove: string[] = [];
  for (const [productId, product] of state) {
    const before = input.current.get(productId);
    if (product && product !== before) save.push(product);
    if (!product && before) remove.push(productId);
  }
  return { outcomes, events, save, remove, park: [...waiting.values()].flat(), forget };
}
