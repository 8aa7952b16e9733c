import { eventVersion } from '@cqrs-products/contracts';
import { describe, expect, it } from 'vitest';
import {
  type BatchInput,
  type CommandEnvelope,
  canonicalEnvelope,
  type KafkaOrigin,
  planBatch,
  productsToUnpark,
} from '../src/command-batch.js';
import type { Product, ProductCommand, ProductEvent } from '../src/domain/product.js';

const lampId = '2b7f1b0e-6c1a-4f0e-9a51-5d2f4b8e1c11';
const deskId = '9c4d2e1f-0a3b-4c5d-8e6f-7a8b9c0d1e2f';
const now = new Date('2025-01-02T12:00:00.000Z');
const before = new Date('2025-01-01T10:00:00.000Z');
const origin: KafkaOrigin = { topic: 'product_update', partition: 1, offset: '7', value: null, headers: {} };

let ids = 0;
const envelope = (command: ProductCommand, options: { kafka?: boolean } = {}): CommandEnvelope => ({
  commandId: `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
  source: 'test',
  traceHeaders: { traceparent: `trace-${ids}` },
  command,
  ...(options.kafka !== false && { origin }),
});
const create = (productId: string, price = 1) =>
  envelope({ kind: 'create', productId, name: 'Lamp', description: 'A lamp', price });
const update = (productId: string, price: number, options?: { kafka?: boolean }) =>
  envelope({ kind: 'update', productId, name: 'Lamp', description: 'A lamp', price }, options);
const remove = (productId: string) => envelope({ kind: 'delete', productId });
const existing = (productId: string, version: number): Product => ({
  productId,
  name: 'Old',
  description: 'Old',
  price: 0,
  version,
  createdAt: before,
  updatedAt: before,
});

/** given these rows and parked commands, when these commands arrive (all new unless said) */
const given = (current: Product[] = [], parked: BatchInput['parked'] = new Map()) => ({
  when: (envelopes: CommandEnvelope[], fresh = new Set(envelopes.map((e) => e.commandId))) =>
    planBatch({
      envelopes,
      fresh,
      current: new Map(current.map((p) => [p.productId, p])),
      parked,
      now,
    }),
});
const summary = (events: readonly { event: ProductEvent }[]) =>
  events.map(({ event }) => `${event.type} ${eventVersion(event)}`);

describe('planning a batch of commands', () => {
  it('decides one product’s commands in order: create, update, update, delete -> versions 1 to 4', () => {
    const plan = given().when([create(lampId), update(lampId, 2), update(lampId, 3), remove(lampId)]);

    expect(summary(plan.events)).toEqual([
      'ProductCreated 1',
      'ProductUpdated 2',
      'ProductUpdated 3',
      'ProductDeleted 4',
    ]);
    expect(plan.outcomes.map((o) => o.kind)).toEqual(['applied', 'applied', 'applied', 'applied']);
    // Created and gone within the batch: nothing to write to the products table.
    expect(plan.save).toEqual([]);
    expect(plan.remove).toEqual([]);
  });

  it('writes each product’s final state once: new and changed rows saved, deleted rows removed', () => {
    const plan = given([existing(lampId, 4), existing(deskId, 2)]).when([
      update(lampId, 5),
      update(lampId, 6),
      remove(deskId),
    ]);
    expect(plan.save).toEqual([
      { ...existing(lampId, 4), name: 'Lamp', description: 'A lamp', price: 6, version: 6, updatedAt: now },
    ]);
    expect(plan.remove).toEqual([deskId]);
    expect(plan.events.map((e) => e.traceHeaders.traceparent)).toHaveLength(3);
  });

  it('skips redeliveries, including a command that appears twice in one batch', () => {
    const first = update(lampId, 5);
    const redelivered = update(lampId, 9);
    const plan = given([existing(lampId, 1)]).when([redelivered, first, first], new Set([first.commandId]));
    expect(plan.outcomes.map((o) => o.kind)).toEqual(['duplicate', 'applied', 'duplicate']);
    expect(summary(plan.events)).toEqual(['ProductUpdated 2']);
  });

  it('rejects a create of an existing product and forgets its id; its neighbours apply', () => {
    const taken = create(lampId);
    const plan = given([existing(lampId, 3)]).when([update(lampId, 7), taken, create(deskId)]);
    expect(plan.outcomes.map((o) => o.kind)).toEqual(['applied', 'rejected', 'applied']);
    expect(plan.outcomes[1]).toEqual({
      kind: 'rejected',
      rejection: { code: 'PRODUCT_ALREADY_EXISTS', productId: lampId },
    });
    expect(plan.forget).toEqual([taken.commandId]);
    expect(summary(plan.events)).toEqual(['ProductUpdated 4', 'ProductCreated 1']);
  });

  it('parks an update or delete of an unknown product read from Kafka; refuses one from gRPC', () => {
    const fromKafka = update(lampId, 2);
    const fromGrpc = update(deskId, 2, { kafka: false });
    const plan = given().when([fromKafka, fromGrpc]);
    expect(plan.outcomes).toEqual([
      { kind: 'parked' },
      { kind: 'rejected', rejection: { code: 'PRODUCT_NOT_FOUND', productId: deskId } },
    ]);
    expect(plan.park).toEqual([{ envelope: fromKafka }]);
    expect(plan.forget).toEqual([fromGrpc.commandId]);
    expect(plan.events).toEqual([]);
  });

  it('applies a product’s parked commands right after its create, in their order, with their trace', () => {
    const parkedUpdate = update(lampId, 2);
    const parkedDelete = remove(lampId);
    const parked = new Map([
      [lampId, [{ envelope: parkedUpdate, parkedAt: before }, { envelope: parkedDelete }]],
    ]);
    const plan = given([], parked).when([create(lampId), create(deskId)]);

    expect(summary(plan.events)).toEqual([
      'ProductCreated 1',
      'ProductUpdated 2',
      'ProductDeleted 3',
      'ProductCreated 1',
    ]);
    expect(plan.events[1]?.traceHeaders).toEqual(parkedUpdate.traceHeaders);
    expect(plan.outcomes.map((o) => o.kind)).toEqual(['applied', 'applied']);
    expect(plan.park).toEqual([]);
    // The parked ids are recorded already; only the new rows are written.
    expect(plan.save.map((p) => p.productId)).toEqual([deskId]);
  });

  it('parks again, keeping its first parking time, a parked update that follows a parked delete', () => {
    const parkedAt = before;
    const late = update(lampId, 9);
    const parked = new Map([[lampId, [{ envelope: remove(lampId) }, { envelope: late, parkedAt }]]]);
    const plan = given([], parked).when([create(lampId)]);
    expect(summary(plan.events)).toEqual(['ProductCreated 1', 'ProductDeleted 2']);
    expect(plan.park).toEqual([{ envelope: late, parkedAt }]);
  });

  it('takes parked commands only for new creates of products that do not exist', () => {
    const redelivered = create(deskId);
    const envelopes = [
      create(lampId),
      create(lampId),
      redelivered,
      create('11111111-1111-4111-8111-111111111111'),
    ];
    const fresh = new Set(envelopes.filter((e) => e !== redelivered).map((e) => e.commandId));
    const current = new Map([['11111111-1111-4111-8111-111111111111', existing('x', 1)]]);
    expect(productsToUnpark({ envelopes, fresh, current })).toEqual([lampId]);
  });

  it('compares ids in lower case, the form PostgreSQL returns', () => {
    const upper = { ...create(lampId.toUpperCase()), commandId: 'ABCDEF00-0000-4000-8000-000000000001' };
    expect(canonicalEnvelope(upper)).toMatchObject({
      commandId: 'abcdef00-0000-4000-8000-000000000001',
      command: { productId: lampId },
    });
  });
});
