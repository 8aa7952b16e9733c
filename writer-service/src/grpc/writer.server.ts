import { randomUUID } from 'node:crypto';
import {
  fromWireChange,
  toWireProduct,
  type WriterProto,
  wireRequestSchemas,
} from '@cqrs-products/contracts';
import { unary } from '@cqrs-products/grpc';
import type { Logger } from '@cqrs-products/logger';
import { activeTraceHeaders, pickTraceHeaders } from '@cqrs-products/tracing';
import type { Metadata, Server } from '@grpc/grpc-js';
import type { Product } from '../domain/product.js';
import { writerErrors } from '../errors.js';
import type { CommandResult, HandleCommand } from '../product-command.handler.js';

export const writerServiceName = 'writerService.writerService';

export interface WriterServerDeps {
  readonly handleCommand: HandleCommand;
  readonly findProduct: (productId: string) => Promise<Product | undefined>;
  readonly log: Logger;
}

/**
 * Thin: validate, run the same command handler as the Kafka consumer (one transaction, outbox
 * included), map the result. Each call is a new command, so it gets a fresh command id. A database
 * outage arrives already named (DEPENDENCY_UNAVAILABLE, from postgres/): `unary` answers it
 * UNAVAILABLE, so the caller retries later, instead of INTERNAL.
 */
export function registerWriterService(server: Server, proto: WriterProto, deps: WriterServerDeps): void {
  const { handleCommand, findProduct, log } = deps;
  const run = (command: Parameters<HandleCommand>[0]['command'], method: string, metadata: Metadata) =>
    handleCommand({
      commandId: randomUUID(),
      source: `grpc:${method}`,
      // The active span (this call's) becomes the event's parent, so the relay and the reader
      // continue the same trace; without tracing, the caller's context passes through.
      traceHeaders: { ...pickTraceHeaders((name) => metadata.get(name)[0]), ...activeTraceHeaders() },
      command,
    });

  server.addService(proto.writerService.writerService.service, {
    CreateProduct: unary(
      'CreateProduct',
      wireRequestSchemas.change,
      async (req, call) => {
        const result = await run({ kind: 'create', ...fromWireChange(req) }, 'CreateProduct', call.metadata);
        return { ProductID: productOf(result).productId };
      },
      log,
    ),
    UpdateProduct: unary(
      'UpdateProduct',
      wireRequestSchemas.change,
      async (req, call) => {
        const result = await run({ kind: 'update', ...fromWireChange(req) }, 'UpdateProduct', call.metadata);
        return { Product: toWireProduct(productOf(result)) };
      },
      log,
    ),
    GetProductById: unary(
      'GetProductById',
      wireRequestSchemas.byId,
      async (req) => {
        const product = await findProduct(req.ProductID);
        if (!product) throw writerErrors.PRODUCT_NOT_FOUND(req.ProductID);
        return { Product: toWireProduct(product) };
      },
      log,
    ),
  });
}

/**
 * Create and update always produce a product: a fresh command id is never a duplicate, and a gRPC
 * command (no Kafka origin) is refused, never parked, when its product is unknown.
 */
function productOf(result: CommandResult): Product {
  if (result.kind !== 'applied' || result.event.type === 'ProductDeleted')
    throw new Error(`unexpected command result: ${result.kind}`);
  return result.event.product;
}
