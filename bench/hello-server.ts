/**
 * The ceiling for the query path: a bare Fastify route answering a small JSON document, on the
 * same machine and Node version as the gateway. Run as its own process by bench/query-path.ts;
 * prints its port on stdout.
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/hello', async () => ({ hello: 'world' }));
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
console.log(typeof address === 'object' && address ? address.port : address);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
