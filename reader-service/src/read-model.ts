import { type Page, type Product, type ProductEvent, pageOf, type StoredProduct } from './domain/product.js';
import { readerErrors } from './errors.js';
import type { ProductRepository, SaveOutcome } from './mongo/product.repository.js';
import type { SearchRepository } from './postgres/search.repository.js';
import type { Projection } from './projection.js';
import type { ReadFallback } from './read-fallback.js';
import { createReadYourWrites, type Freshness, wantsFreshness } from './read-your-writes.js';
import type { CommandTokens } from './redis/command-tokens.js';
import type { CacheLookup, ProductCache } from './redis/product.cache.js';
import { createWritingWait } from './writing-wait.js';

export interface ReadModelDeps {
  readonly repository: ProductRepository;
  /** Where SearchProduct is answered (PostgreSQL; MongoDB on FerretDB has no usable index). */
  readonly searchStore: Pick<SearchRepository, 'search'>;
  readonly cache: ProductCache;
  readonly projection: Projection;
  /** The bounded way to MongoDB for queries Redis cannot answer. */
  readonly fallback: ReadFallback;
  /** Server-side limit of one fallback lookup. */
  readonly fallbackTimeoutMs: number;
  readonly tokens: Pick<CommandTokens, 'versionOf'>;
  /** How long a query waits for a version or change it asks for (READ_YOUR_WRITES_TIMEOUT_MS). */
  readonly readYourWritesTimeoutMs: number;
}

export type ProductLookup =
  | { readonly kind: 'found'; readonly product: Product }
  | { readonly kind: 'not-found' }
  /** Redis could not answer and neither could the bounded fallback (e.g. its breaker is open). */
  | { readonly kind: 'unavailable'; readonly error: unknown };

export interface SearchRequest {
  readonly text: string;
  readonly page: number;
  readonly size: number;
}

export interface ReadModel {
  /** Projects one event (from Kafka or a direct write); stale and repeated events change nothing. */
  apply(event: ProductEvent): Promise<SaveOutcome>;
  /** With a freshness, waits (bounded) until the read model holds at least that change. */
  getById(productId: string, freshness?: Freshness): Promise<Product>;
  /** Many products at once (Redis in one round trip), one lookup per id in the order asked. */
  getManyById(productIds: readonly string[]): Promise<ProductLookup[]>;
  search(request: SearchRequest): Promise<Page & { products: Product[] }>;
}

/**
 * The reader's use cases: events change it (MongoDB first, then the cache), reads go cache first.
 * Nothing else writes it: write requests become commands for the writer (kafka/product-commands.ts).
 */
export function createReadModel({
  repository,
  searchStore,
  cache,
  projection,
  fallback,
  fallbackTimeoutMs,
  tokens,
  readYourWritesTimeoutMs,
}: ReadModelDeps): ReadModel {
  const apply = async (event: ProductEvent): Promise<SaveOutcome> =>
    (await projection.applyAll([event]))[0] ?? 'stale';

  /**
   * Redis first (a product being written once its write is done: writing-wait.ts); MongoDB only
   * when Redis cannot answer, and then through the bounded fallback.
   */
  const lookup = async (productId: string): Promise<StoredProduct | undefined> =>
    answer(productId, await cache.lookup(productId));
  const writingDone = createWritingWait({ cache });
  const answer = async (productId: string, lookedUp: CacheLookup): Promise<StoredProduct | undefined> => {
    const cached = lookedUp.kind === 'writing' ? await writingDone(productId) : lookedUp;
    if (cached.kind === 'hit') return cached.stored;
    if (cached.kind === 'absent') return undefined;
    const stored = await fallback.run(() => repository.find(productId, { maxTimeMS: fallbackTimeoutMs }));
    // Not awaited: filling the cache must not slow the answer, and it never throws.
    if (stored) void cache.fill(stored).catch(() => {});
    return stored ?? undefined;
  };
  const waitFor = createReadYourWrites({ cache, tokens, lookup, timeoutMs: readYourWritesTimeoutMs });

  return {
    apply,

    getById: async (productId, freshness = {}) => {
      const stored = wantsFreshness(freshness)
        ? await waitFor(productId, freshness)
        : await lookup(productId);
      if (stored?.kind !== 'live') throw readerErrors.PRODUCT_NOT_FOUND(productId);
      return stored.product;
    },

    getManyById: async (productIds) => {
      const cached = await cache.lookupMany(productIds);
      return Promise.all(
        productIds.map((productId, i) =>
          answer(productId, cached[i] ?? { kind: 'unknown' }).then(
            (stored): ProductLookup =>
              stored?.kind === 'live' ? { kind: 'found', product: stored.product } : { kind: 'not-found' },
            (error: unknown): ProductLookup => ({ kind: 'unavailable', error }),
          ),
        ),
      );
    },

    search: async ({ text, page, size }) => {
      const { skip } = pageOf(0, page, size);
      const { totalCount, products } = await searchStore.search({ text, skip, limit: size });
      return { ...pageOf(totalCount, page, size), products };
    },
  };
}
