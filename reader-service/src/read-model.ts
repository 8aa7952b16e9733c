import {
  decideCreate,
  decideDelete,
  decideUpdate,
  escapeRegex,
  eventVersion,
  type Page,
  type Product,
  type ProductEvent,
  type ProductFields,
  pageOf,
  projectEvent,
  type StoredProduct,
} from './domain/product.js';
import { readerErrors } from './errors.js';
import type { ProductRepository, SaveOutcome } from './mongo/product.repository.js';
import type { ProductCache } from './redis/product.cache.js';

export interface ReadModelLog {
  debug(obj: object, msg: string): void;
}

export interface ReadModelDeps {
  readonly repository: ProductRepository;
  readonly cache: ProductCache;
  readonly log: ReadModelLog;
  readonly now?: () => Date;
}

export interface SearchRequest {
  readonly text: string;
  readonly page: number;
  readonly size: number;
}

export interface ReadModel {
  /** Projects one event (from Kafka or a direct write); stale and repeated events change nothing. */
  apply(event: ProductEvent): Promise<SaveOutcome>;
  getById(productId: string): Promise<Product>;
  search(request: SearchRequest): Promise<Page & { products: Product[] }>;
  create(productId: string, fields: ProductFields): Promise<Product>;
  update(productId: string, fields: ProductFields): Promise<Product>;
  delete(productId: string): Promise<void>;
}

/** How often a direct write re-reads and retries when another change of the product won the race. */
const directWriteAttempts = 3;

/** The reader's use cases: every change goes MongoDB first, then the cache; every read cache first. */
export function createReadModel({
  repository,
  cache,
  log,
  now = () => new Date(),
}: ReadModelDeps): ReadModel {
  const apply = async (event: ProductEvent): Promise<SaveOutcome> => {
    const stored = projectEvent(event);
    const outcome = await repository.saveIfNewer(stored);
    // Only after MongoDB has it: the cache must never be ahead of the read model.
    if (outcome === 'applied') await cache.remember(stored);
    else log.debug({ type: event.type, version: eventVersion(event) }, 'stale event ignored');
    return outcome;
  };

  /** Read, decide, write with the version guard; a lost race means re-reading, never overwriting. */
  const change = async (
    productId: string,
    decide: (stored: StoredProduct | null, at: Date) => ProductEvent,
  ): Promise<ProductEvent> => {
    for (let attempt = 1; attempt <= directWriteAttempts; attempt++) {
      const event = decide(await repository.find(productId), now());
      if ((await apply(event)) === 'applied') return event;
    }
    throw readerErrors.PRODUCT_CHANGED_CONCURRENTLY(productId);
  };

  const productOf = (event: ProductEvent): Product => {
    if (event.type === 'ProductDeleted') throw new Error(`expected a product in ${event.type}`);
    return event.product;
  };

  return {
    apply,

    getById: async (productId) => {
      let stored = await cache.get(productId);
      if (!stored) {
        stored = (await repository.find(productId)) ?? undefined;
        // Not awaited: filling the cache must not slow the answer, and it never throws.
        if (stored) void cache.remember(stored);
      }
      if (stored?.kind !== 'live') throw readerErrors.PRODUCT_NOT_FOUND(productId);
      return stored.product;
    },

    search: async ({ text, page, size }) => {
      const { skip } = pageOf(0, page, size);
      const { totalCount, products } = await repository.search({
        pattern: escapeRegex(text),
        skip,
        limit: size,
      });
      return { ...pageOf(totalCount, page, size), products };
    },

    create: async (productId, fields) =>
      productOf(await change(productId, (stored, at) => decideCreate(productId, fields, stored, at))),

    update: async (productId, fields) =>
      productOf(await change(productId, (stored, at) => decideUpdate(productId, fields, stored, at))),

    delete: async (productId) => {
      await change(productId, (stored, at) => decideDelete(productId, stored, at));
    },
  };
}
