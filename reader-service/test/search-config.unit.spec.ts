import { describe, expect, it } from 'vitest';
import { configErrorOf as errorOf, loadReaderConfig as load } from './support/config-loading.js';

describe('search store settings', () => {
  const defaults = {
    postgresUrl: 'postgres://postgres:postgres@127.0.0.1:5432/products_read',
    poolSize: 10,
    queryTimeoutMs: 2_000,
    backfillChunk: 1_000,
  };

  it("default to a database of the reader's own on the native server, not the writer's products", () => {
    expect(load({}).search).toEqual(defaults);
    expect(load({}, undefined).search).toEqual(defaults);
  });

  it('are read from their environment variables', () => {
    expect(
      load({
        SEARCH_POSTGRES_URL: 'postgresql://reader:secret@db.internal:5433/search',
        SEARCH_POSTGRES_POOL_SIZE: '4',
        SEARCH_QUERY_TIMEOUT_MS: '750',
        SEARCH_BACKFILL_CHUNK: '200',
      }).search,
    ).toEqual({
      postgresUrl: 'postgresql://reader:secret@db.internal:5433/search',
      poolSize: 4,
      queryTimeoutMs: 750,
      backfillChunk: 200,
    });
  });

  it.each([
    [
      { SEARCH_POSTGRES_URL: 'mongodb://127.0.0.1:27017/x' },
      /search\.postgresUrl \(env SEARCH_POSTGRES_URL\)/,
    ],
    [{ SEARCH_POSTGRES_URL: 'postgres://127.0.0.1:5432' }, /search\.postgresUrl .*must name a database/],
    [{ SEARCH_POSTGRES_POOL_SIZE: '0' }, /search\.poolSize \(env SEARCH_POSTGRES_POOL_SIZE\)/],
    [{ SEARCH_QUERY_TIMEOUT_MS: 'soon' }, /search\.queryTimeoutMs \(env SEARCH_QUERY_TIMEOUT_MS\)/],
  ])('refuse %j with one line naming the key', (env, message) => {
    expect(errorOf(env)).toMatch(message);
  });
});
