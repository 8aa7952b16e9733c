/**
 * The ceiling for the command path: a bare Fastify route that parses the same JSON body as
 * `POST /api/v1/products` and answers 201 with a new id, no validation, no Kafka, no tracing.
 * Run as its own process by bench/post-path.ts; prints its port on stdout.
 */
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.post('/api/v1/products', async (_request, reply) =>
  reply.code(201).send({ productId: randomUUID(), version: 1 }),
);
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
console.log(typeof address === 'object' && address ? address.port : address);
// process.exit (not a signal's default) so that `--cpu-prof` writes its profile.
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
