import { randomUUID } from 'node:crypto';
import {
  fromWireChange,
  type LoadedProto,
  paging,
  productFields,
  type ReaderProto,
  toWireProduct,
  type WireProductChange,
  wireRequestSchemas,
} from '@cqrs-products/contracts';
import { isAppError } from '@cqrs-products/errors';
import { type GrpcServer, startGrpcServer, type UnaryLog, unary } from '@cqrs-products/grpc';
import type { GrpcMetrics } from '@cqrs-products/metrics';
import { pickTraceHeaders } from '@cqrs-products/tracing';
import type { Metadata } from '@grpc/grpc-js';
import { z } from 'zod';
import type { ForwardCommand } from '../kafka/product-commands.js';
import type { ReadModel } from '../read-model.js';

export const readerServiceName = 'readerService.readerService';

// proto3 cannot tell an absent number from 0, so 0 means "not given" and takes the default.
const pageField = z
  .number()
  .int()
  .min(0, 'must be at least 1 (0: the default, 1)')
  // Bounds the skip MongoDB has to walk; nobody pages a million pages deep.
  .max(1_000_000, 'must be at most 1000000')
  .transform((page) => page || 1);
const sizeField = z
  .number()
  .int()
  .min(0, `must be at least 1 (0: the default, ${paging.defaultSize})`)
  .max(paging.maxSize, `must be at most ${paging.maxSize}`)
  .transform((size) => size || paging.defaultSize);

/** Bounds one call's Redis script and answer (the gateway sends at most this many per call). */
export const maxLookupsPerCall = 500;

const requests = {
  byId: wireRequestSchemas.byId,
  byIds: z.object({
    ProductIDs: z
      .array(productFields.productId)
      .min(1, 'must name at least one product')
      .max(maxLookupsPerCall, `must name at most ${maxLookupsPerCall} products`),
  }),
  // proto3 defaults: 0 and "" mean "not asked for".
  fresh: wireRequestSchemas.byId.extend({
    MinVersion: z.number().int().min(0, 'must not be negative'),
    ConsistencyToken: z.union([z.literal(''), z.uuid({ error: 'must be a consistency token (a UUID)' })]),
  }),
  // The gateway gives a new product a new id; so does CreateProduct when none is given.
  create: wireRequestSchemas.change.extend({
    ProductID: z.union([z.literal('').transform(() => randomUUID()), productFields.productId]),
  }),
  update: wireRequestSchemas.change,
  search: z.object({
    Search: z.string().trim().max(500, 'must be at most 500 characters'),
    page: pageField,
    size: sizeField,
  }),
};

export interface ReaderServerOptions {
  readonly host: string;
  readonly port: number;
  readonly readModel: ReadModel;
  /** Where write requests go: commands for the writer, never the read model. */
  readonly forward: ForwardCommand;
  readonly reader: LoadedProto<ReaderProto>;
  readonly log: UnaryLog;
  readonly metrics?: GrpcMetrics;
}

/**
 * Thin: validate the request, call the read model (queries) or forward a command (writes), shape
 * the answer; errors map in `unary`.
 */
export function startReaderServer({
  host,
  port,
  readModel,
  forward,
  reader,
  log,
  metrics,
}: ReaderServerOptions): Promise<GrpcServer> {
  const forwardChange =
    (kind: 'create' | 'update') =>
    async (change: WireProductChange, call: { readonly metadata: Metadata }) => {
      await forward({ kind, ...fromWireChange(change) }, traceOf(call.metadata));
      return { ProductID: change.ProductID };
    };
  const handlers = {
    GetProductById: unary(
      'GetProductById',
      requests.fresh,
      async ({ ProductID, MinVersion, ConsistencyToken }, call) => ({
        Product: toWireProduct(
          await readModel.getById(ProductID, {
            minVersion: MinVersion,
            consistencyToken: ConsistencyToken.toLowerCase(),
            waitUntil: waitDeadline(call.getDeadline()),
          }),
        ),
      }),
      log,
    ),
    GetProductsByIds: unary(
      'GetProductsByIds',
      requests.byIds,
      async ({ ProductIDs }) => {
        const lookups = await readModel.getManyById(ProductIDs);
        return {
          Lookups: lookups.map((lookup, i) => {
            const ProductID = ProductIDs[i] as string;
            if (lookup.kind === 'found') return { ProductID, Product: toWireProduct(lookup.product) };
            if (lookup.kind === 'not-found') return { ProductID, Product: null };
            // What GetProductById would have answered UNAVAILABLE; anything else is also logged.
            if (!isAppError(lookup.error))
              log.error({ err: lookup.error, method: 'GetProductsByIds' }, 'unhandled error in gRPC method');
            return { ProductID, Product: null, Unavailable: true };
          }),
        };
      },
      log,
    ),
    SearchProduct: unary(
      'SearchProduct',
      requests.search,
      async ({ Search, page, size }) => {
        const result = await readModel.search({ text: Search, page, size });
        return {
          TotalCount: result.totalCount,
          TotalPages: result.totalPages,
          Page: result.page,
          Size: result.size,
          HasMore: result.hasMore,
          Products: result.products.map(toWireProduct),
        };
      },
      log,
    ),
    CreateProduct: unary('CreateProduct', requests.create, forwardChange('create'), log),
    UpdateProduct: unary('UpdateProduct', requests.update, forwardChange('update'), log),
    DeleteProductByID: unary(
      'DeleteProductByID',
      requests.byId,
      async ({ ProductID }, call) => {
        await forward({ kind: 'delete', productId: ProductID }, traceOf(call.metadata));
        return { ProductID };
      },
      log,
    ),
  };

  return startGrpcServer({
    host,
    port,
    services: [readerServiceName],
    reflection: reader.definition,
    ...(metrics && { metrics }),
    register: (server) => server.addService(reader.proto.readerService.readerService.service, handlers),
  });
}

/**
 * A wait ends a little before the caller's deadline, so the caller hears why (the version is not
 * there yet, with Retry-After at the gateway) instead of timing out.
 */
function waitDeadline(deadline: Date | number): number | undefined {
  const at = deadline instanceof Date ? deadline.getTime() : deadline;
  return Number.isFinite(at) ? at - 100 : undefined;
}

/** The caller's W3C trace context, kept on the command when this call is not traced itself. */
const traceOf = (metadata: Metadata) => pickTraceHeaders((name) => metadata.get(name)[0], { maxLength: 512 });
