import {
  fromTimestamp,
  type GetProductByIdRes,
  loadReaderProto,
  type SearchRes,
  type WireProduct,
} from '@cqrs-products/contracts';
import { activeTraceSampled } from '@cqrs-products/tracing';
import { credentials, type Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { errors } from '../errors.js';
import { coalesceUnsent } from './coalesce.js';

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
  getProductById(productId: string, metadata?: Metadata, freshness?: Freshness): Promise<ProductView>;
  search(query: { search: string; page: number; size: number }, metadata?: Metadata): Promise<SearchResult>;
  close(): void;
}

export interface ReaderClientOptions {
  readonly addr: string;
  readonly deadlineMs: number;
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

/**
 * Client for the reader's query API. Every call has a deadline so a slow or absent reader turns
 * into a quick 503 instead of a hanging request; keep-alive pings detect dead connections early.
 *
 * GetProductById calls for the same id that have not gone out yet are sent once (coalesce.ts).
 * A traced request leads its group (the call is made in its context, so its trace shows the gRPC
 * hop and the reader's spans as its children); a second traced one gets a call of its own.
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
  const getById = (productId: string, metadata?: Metadata, freshness: Freshness = {}) =>
    new Promise<ProductView | null>((resolve, reject) => {
      const callback = (error: ServiceError | null, response?: GetProductByIdRes) => {
        if (error) return reject(error);
        resolve(response?.Product ? toProductView(response.Product) : null);
      };
      const request = {
        ProductID: productId,
        MinVersion: freshness.minVersion ?? 0,
        ConsistencyToken: freshness.consistencyToken ?? '',
      };
      if (metadata) client.GetProductById(request, metadata, deadline(), callback);
      else client.GetProductById(request, deadline(), callback);
    });
  const getByIdShared = coalesceUnsent((productId: string) => getById(productId));

  return {
    // Errors are made per caller: each request gets its own error naming its product.
    // A read that waits for a version is never shared: its answer depends on what it waits for.
    getProductById: (productId, metadata, freshness) =>
      (metadata || freshness?.minVersion || freshness?.consistencyToken
        ? getById(productId, metadata, freshness)
        : getByIdShared(productId, { lead: activeTraceSampled() })
      ).then(
        (view) => view ?? Promise.reject(errors.PRODUCT_NOT_FOUND(productId)),
        (error: ServiceError) => Promise.reject(fromGrpcError(error, productId)),
      ),
    search: ({ search, page, size }, metadata) =>
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
        const request = { Search: search, page, size };
        if (metadata) client.SearchProduct(request, metadata, deadline(), callback);
        else client.SearchProduct(request, deadline(), callback);
      }),
    close: () => client.close(),
  };
}
