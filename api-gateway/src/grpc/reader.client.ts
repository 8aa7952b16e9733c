import {
  fromTimestamp,
  type GetProductByIdRes,
  type GetProductsByIdsRes,
  loadReaderProto,
  type SearchRes,
  type WireProduct,
} from '@cqrs-products/contracts';
import { activeTraceSampled } from '@cqrs-products/tracing';
import { credentials, type ServiceError, status } from '@grpc/grpc-js';
import { errors } from '../errors.js';
import { batchUnsent } from './batch-lookups.js';

/** A product as the gateway returns it: camelCase JSON with ISO timestamps and its version. */
export interface ProductView {
  readonly productId: string;
  readonly name: string;
  readonly description: string;
  readonly price: number;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface SearchResult {
  readonly totalCount: number;
  readonly totalPages: number;
  readonly page: number;
  readonly size: number;
  readonly hasMore: boolean;
  readonly products: ProductView[];
}

/** Read-your-writes: what the answer must include at least (a version, or a command's change). */
export interface Freshness {
  readonly minVersion?: number | undefined;
  readonly consistencyToken?: string | undefined;
}

export interface ReaderClient {
  getProductById(productId: string, freshness?: Freshness): Promise<ProductView>;
  search(query: { search: string; page: number; size: number }): Promise<SearchResult>;
  close(): void;
}

export interface ReaderClientOptions {
  readonly addr: string;
  readonly deadlineMs: number;
  /** Lookups per GetProductsByIds call at most (the reader accepts up to 500). */
  readonly maxLookupsPerCall?: number;
}

const iso = (ts: WireProduct['CreatedAt']) =>
  ts ? fromTimestamp(ts).toISOString() : new Date(0).toISOString();

export const toProductView = (p: WireProduct): ProductView => ({
  productId: p.ProductID,
  name: p.Name,
  description: p.Description,
  price: p.Price,
  version: p.Version,
  createdAt: iso(p.CreatedAt),
  updatedAt: iso(p.UpdatedAt),
});

/**
 * gRPC statuses the reader answers with, as the gateway's coded errors (one mapping, here).
 * `productId` names the missing product; the reader's own details would repeat "Product not found".
 */
export function fromGrpcError(error: ServiceError, productId?: string): Error {
  switch (error.code) {
    case status.NOT_FOUND:
      return errors.PRODUCT_NOT_FOUND(productId ?? error.details);
    case status.INVALID_ARGUMENT:
      return errors.INVALID_REQUEST(error.details);
    case status.UNAVAILABLE:
      // The reader waited its bound for the version asked for; its catalogue code tells it apart.
      if (error.metadata?.get('error-code')[0] === 'VERSION_NOT_YET_VISIBLE')
        return errors.VERSION_NOT_YET_VISIBLE(productId, { cause: error });
      return errors.READ_MODEL_UNAVAILABLE(error.details, { cause: error });
    case status.DEADLINE_EXCEEDED:
      return errors.READ_MODEL_UNAVAILABLE(error.details, { cause: error });
    default:
      return error;
  }
}

/** What one id's lookup in a GetProductsByIds call answered. */
type Lookup = ProductView | 'not-found' | 'unavailable';

/**
 * Client for the reader's query API. Every call has a deadline so a slow or absent reader turns
 * into a quick 503 instead of a hanging request; keep-alive pings detect dead connections early.
 *
 * GETs by id that have not gone out yet are gathered into one GetProductsByIds call per
 * event-loop turn (batch-lookups.ts). A traced request leads its batch (the call is made in its
 * context, so its trace shows the gRPC hop and the reader's spans as its children); a second
 * traced one opens a batch of its own. A read that waits for a version or a command (read your
 * writes) is never batched: its answer depends on what it waits for.
 */
export function createReaderClient(options: ReaderClientOptions): ReaderClient {
  const { proto } = loadReaderProto();
  const client = new proto.readerService.readerService(options.addr, credentials.createInsecure(), {
    'grpc.keepalive_time_ms': 30_000,
    'grpc.keepalive_timeout_ms': 10_000,
    'grpc.keepalive_permit_without_calls': 1,
  });
  const deadline = () => ({ deadline: Date.now() + options.deadlineMs });

  /** Resolves with the product, or with null when the reader answered without one. */
  const getFresh = (productId: string, freshness: Freshness) =>
    new Promise<ProductView | null>((resolve, reject) => {
      const request = {
        ProductID: productId,
        MinVersion: freshness.minVersion ?? 0,
        ConsistencyToken: freshness.consistencyToken ?? '',
      };
      client.GetProductById(
        request,
        deadline(),
        (error: ServiceError | null, response?: GetProductByIdRes) => {
          if (error) return reject(error);
          resolve(response?.Product ? toProductView(response.Product) : null);
        },
      );
    });
  const getMany = (productIds: readonly string[]) =>
    new Promise<Lookup[]>((resolve, reject) => {
      const request = { ProductIDs: [...productIds] };
      client.GetProductsByIds(
        request,
        deadline(),
        (error: ServiceError | null, response?: GetProductsByIdsRes) => {
          if (error || !response) return reject(error ?? new Error('empty GetProductsByIds response'));
          resolve(
            response.Lookups.map((lookup) => {
              if (lookup.Unavailable) return 'unavailable';
              return lookup.Product ? toProductView(lookup.Product) : 'not-found';
            }),
          );
        },
      );
    });
  const lookup = batchUnsent(getMany, { maxBatch: options.maxLookupsPerCall ?? 200 });

  return {
    // Errors are made per caller: each request gets its own error naming its product.
    getProductById: async (productId, freshness = {}) => {
      if (freshness.minVersion || freshness.consistencyToken) {
        const view = await getFresh(productId, freshness).catch((error: ServiceError) =>
          Promise.reject(fromGrpcError(error, productId)),
        );
        if (!view) throw errors.PRODUCT_NOT_FOUND(productId);
        return view;
      }
      const found = await lookup(productId, { lead: activeTraceSampled() }).catch((error: ServiceError) =>
        Promise.reject(fromGrpcError(error, productId)),
      );
      if (found === 'not-found') throw errors.PRODUCT_NOT_FOUND(productId);
      if (found === 'unavailable') throw errors.READ_MODEL_UNAVAILABLE('the read model could not answer');
      return found;
    },
    search: ({ search, page, size }) =>
      new Promise((resolve, reject) => {
        const callback = (error: ServiceError | null, r?: SearchRes) => {
          if (error || !r) return reject(error ? fromGrpcError(error) : new Error('empty search response'));
          resolve({
            totalCount: r.TotalCount,
            totalPages: r.TotalPages,
            page: r.Page,
            size: r.Size,
            hasMore: r.HasMore,
            products: r.Products.map(toProductView),
          });
        };
        client.SearchProduct({ Search: search, page, size }, deadline(), callback);
      }),
    close: () => client.close(),
  };
}
