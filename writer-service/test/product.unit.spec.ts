import { describe, expect, it } from 'vitest';
import { decide, type Product, type ProductCommand } from '../src/domain/product.js';

const productId = '2b7f1b0e-6c1a-4f0e-9a51-5d2f4b8e1c11';
const created = new Date('2025-01-01T10:00:00.000Z');
const now = new Date('2025-01-02T12:30:00.123Z');
const lamp: Product = {
  productId,
  name: 'Lamp',
  description: 'A desk lamp',
  price: 19.99,
  version: 3,
  createdAt: created,
  updatedAt: created,
};

/** given the current state, when the command is decided at `now` */
const given = (current: Product | undefined) => ({
  when: (command: ProductCommand) => decide(command, current, now),
});

const create: ProductCommand = {
  kind: 'create',
  productId,
  name: 'Lamp',
  description: 'A desk lamp',
  price: 5,
};
const update: ProductCommand = {
  kind: 'update',
  productId,
  name: 'Big lamp',
  description: 'Bigger',
  price: 25,
};
const remove: ProductCommand = { kind: 'delete', productId };

describe('decide', () => {
  describe('given no product', () => {
    it('create: the product is created at version 1, created and updated now', () => {
      expect(given(undefined).when(create)).toEqual({
        ok: true,
        event: {
          type: 'ProductCreated',
          product: {
            productId,
            name: 'Lamp',
            description: 'A desk lamp',
            price: 5,
            version: 1,
            createdAt: now,
            updatedAt: now,
          },
        },
      });
    });

    it('update: rejected as not found', () => {
      expect(given(undefined).when(update)).toEqual({
        ok: false,
        rejection: { code: 'PRODUCT_NOT_FOUND', productId },
      });
    });

    it('delete: rejected as not found', () => {
      expect(given(undefined).when(remove)).toEqual({
        ok: false,
        rejection: { code: 'PRODUCT_NOT_FOUND', productId },
      });
    });
  });

  describe('given an existing product at version 3', () => {
    it('create: rejected because the id is taken', () => {
      expect(given(lamp).when(create)).toEqual({
        ok: false,
        rejection: { code: 'PRODUCT_ALREADY_EXISTS', productId },
      });
    });

    it('update: new fields at version 4, updated now, creation time kept', () => {
      expect(given(lamp).when(update)).toEqual({
        ok: true,
        event: {
          type: 'ProductUpdated',
          product: {
            productId,
            name: 'Big lamp',
            description: 'Bigger',
            price: 25,
            version: 4,
            createdAt: created,
            updatedAt: now,
          },
        },
      });
    });

    it('update with the same fields still counts as a change (version 4)', () => {
      const same = {
        kind: 'update',
        productId,
        name: lamp.name,
        description: lamp.description,
        price: lamp.price,
      };
      const decision = given(lamp).when(same as ProductCommand);
      expect(decision.ok && decision.event.type === 'ProductUpdated' && decision.event.product.version).toBe(
        4,
      );
    });

    it('delete: deleted at version 4, now', () => {
      expect(given(lamp).when(remove)).toEqual({
        ok: true,
        event: { type: 'ProductDeleted', productId, version: 4, deletedAt: now },
      });
    });
  });

  it('an unknown command kind is a bug, not a silent no-op', () => {
    expect(() => decide({ kind: 'rename', productId } as unknown as ProductCommand, lamp, now)).toThrow(
      /unexpected value/,
    );
  });
});
