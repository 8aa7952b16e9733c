import { assertNever, type Product, type ProductCommand, type ProductEvent } from '@cqrs-products/contracts';
import type { WriterErrorCode } from '../errors.js';

/**
 * The write model of a product and the rules for changing it, free of I/O: given a command and
 * the current state (undefined when the product does not exist), decide which event happens.
 */

export type { Product, ProductCommand, ProductEvent } from '@cqrs-products/contracts';

/**
 * Codes of the writer's error catalogue (errors.ts), whose entry says whether the rejection is
 * retryable: the decision names the failure, the catalogue says what it means.
 */
export type ProductRejection =
  | { readonly code: Extract<WriterErrorCode, 'PRODUCT_ALREADY_EXISTS'>; readonly productId: string }
  | { readonly code: Extract<WriterErrorCode, 'PRODUCT_NOT_FOUND'>; readonly productId: string };

export type Decision =
  | { readonly ok: true; readonly event: ProductEvent }
  | { readonly ok: false; readonly rejection: ProductRejection };

const accept = (event: ProductEvent): Decision => ({ ok: true, event });
const reject = (rejection: ProductRejection): Decision => ({ ok: false, rejection });

/** `now` is passed in so that the decision is reproducible in tests. */
export function decide(command: ProductCommand, current: Product | undefined, now: Date): Decision {
  switch (command.kind) {
    case 'create': {
      if (current) return reject({ code: 'PRODUCT_ALREADY_EXISTS', productId: command.productId });
      const { productId, name, description, price } = command;
      return accept({
        type: 'ProductCreated',
        product: { productId, name, description, price, version: 1, createdAt: now, updatedAt: now },
      });
    }
    case 'update': {
      if (!current) return reject({ code: 'PRODUCT_NOT_FOUND', productId: command.productId });
      const { name, description, price } = command;
      return accept({
        type: 'ProductUpdated',
        product: { ...current, name, description, price, version: current.version + 1, updatedAt: now },
      });
    }
    case 'delete': {
      if (!current) return reject({ code: 'PRODUCT_NOT_FOUND', productId: command.productId });
      return accept({
        type: 'ProductDeleted',
        productId: current.productId,
        version: current.version + 1,
        deletedAt: now,
      });
    }
    default:
      return assertNever(command);
  }
}
