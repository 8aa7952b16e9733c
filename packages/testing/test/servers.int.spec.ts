import { describe, expect, it } from 'vitest';
import { testEndpoints, unreachableServers } from '../src/index.js';

describe('server checks', () => {
  it('find every real server of the configured endpoints', async () => {
    expect(await unreachableServers(testEndpoints())).toEqual([]);
  });

  it('fail within seconds, naming the server and its variable, when nothing listens', async () => {
    // Port 1 on loopback: nothing listens there, so each connection is refused at once.
    const started = Date.now();
    const problems = await unreachableServers(
      testEndpoints({
        KAFKA_BROKERS: '127.0.0.1:1',
        POSTGRES_URL: 'postgres://postgres:postgres@127.0.0.1:1/products',
        MONGO_URI: 'mongodb://127.0.0.1:1/products',
        REDIS_URL: 'redis://127.0.0.1:1',
      }),
    );

    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/^Kafka is not reachable at 127\.0\.0\.1:1 \(KAFKA_BROKERS\): /);
    expect(problems[1]).toMatch(
      /^PostgreSQL is not reachable at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/products \(POSTGRES_URL\)/,
    );
    expect(problems[2]).toMatch(/^MongoDB is not reachable .* \(MONGO_URI\)/);
    expect(problems[3]).toMatch(/^Redis is not reachable .* \(REDIS_URL\)/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
