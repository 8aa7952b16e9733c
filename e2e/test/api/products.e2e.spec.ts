import { spawnSync } from 'node:child_process';
import { eventually, type Stack, startStack, uniqueName } from '@cqrs-products/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// One stack for the file; each test makes its own products, so the tests run in any order
// and alone (`-t`), except the shutdown test, which is last because it stops the stack.
let stack: Stack;
let stopped = false;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  if (!stopped) await stack?.stop();
});

const api = (path: string, init?: RequestInit) => {
  if (stopped) throw new Error('the stack was stopped by the shutdown test: tests go above it');
  return fetch(`${stack.apiUrl}${path}`, {
    ...init,
    headers: init?.body ? { 'content-type': 'application/json' } : {},
  });
};
const send = (method: string, path: string, body?: unknown) =>
  api(path, { method, body: body === undefined ? undefined : JSON.stringify(body) });

/** A product, or a problem+json body for errors. */
interface Answer {
  productId?: string;
  version?: number;
  createdAt: string;
  status?: number;
  type?: string;
  totalCount?: number;
  [field: string]: unknown;
}
const poll = { intervalMs: 100 };
const getProduct = async (id: string) => {
  const response = await api(`/products/${id}`);
  return { status: response.status, body: (await response.json()) as Answer };
};

/** Given: a product the writer and the reader have applied, its name unique to the test. */
async function existingProduct() {
  const word = uniqueName('lamp');
  const created = await send('POST', '/products', {
    name: `Desk ${word}`,
    description: 'Warm light',
    price: 49.9,
  });
  expect(created.status).toBe(201);
  const id = ((await created.json()) as { productId: string }).productId;
  const { body } = await eventually(
    () => getProduct(id),
    (r) => r.status === 200,
    { ...poll, what: `product ${id} readable` },
  );
  return { id, word, body };
}

/** Given: an existing product renamed once (version 2, as the PUT test below does), as GET shows it. */
async function renamedProduct() {
  const product = await existingProduct();
  const updated = await send('PUT', `/products/${product.id}`, {
    name: `Floor ${product.word}`,
    description: 'Warm light',
    price: 59,
  });
  expect(updated.status).toBe(200);
  const { body } = await eventually(
    () => getProduct(product.id),
    (r) => r.body.version === 2,
    { ...poll, what: `product ${product.id} at version 2` },
  );
  return { ...product, body };
}

const searchFor = async (text: string, paging = '') =>
  (await (await api(`/products/search?search=${encodeURIComponent(text)}${paging}`)).json()) as Answer;

describe('a product through the whole system', () => {
  it('POST returns 201 with a new id, and GET shows the product once the writer and reader have applied it', async () => {
    const { id, word, body } = await existingProduct();

    expect(body).toMatchObject({
      productId: id,
      name: `Desk ${word}`,
      description: 'Warm light',
      price: 49.9,
      version: 1,
    });
    expect(new Date(body.createdAt).toISOString()).toBe(body.createdAt);
  });

  it('PUT changes the product and GET then shows the next version', async () => {
    const { id, word } = await existingProduct();

    const updated = await send('PUT', `/products/${id}`, {
      name: `Floor ${word}`,
      description: 'Warm light',
      price: 59,
    });
    expect(updated.status).toBe(200);

    const { body } = await eventually(
      () => getProduct(id),
      (r) => r.body.version === 2,
      poll,
    );
    expect(body).toMatchObject({ name: `Floor ${word}`, price: 59, version: 2 });
  });

  it('search finds it by a case-insensitive part of its name', async () => {
    const { id, word } = await renamedProduct();

    const response = await api(
      `/products/search?search=${encodeURIComponent(word.toUpperCase())}&page=1&size=5`,
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      totalCount: 1,
      totalPages: 1,
      page: 1,
      size: 5,
      hasMore: false,
      products: [{ productId: id, version: 2 }],
    });
  });

  it('DELETE removes it: GET answers 404 problem+json and search no longer finds it', async () => {
    const { id, word } = await existingProduct();
    // Found before, so "not found after" is the delete's doing.
    await eventually(
      () => searchFor(word),
      (found) => found.totalCount === 1,
      { ...poll, what: `product ${id} searchable` },
    );

    expect((await send('DELETE', `/products/${id}`)).status).toBe(200);

    const { body } = await eventually(
      () => getProduct(id),
      (r) => r.status === 404,
      poll,
    );
    expect(body).toMatchObject({ status: 404, type: 'urn:cqrs-products:problem:product-not-found' });
    expect((await searchFor(word)).totalCount).toBe(0);
  });

  it('GET of an id that never existed is 404, and bad paging is 400', async () => {
    expect((await getProduct('8d7e6f5a-4b3c-4d2e-9f1a-0b1c2d3e4f5a')).status).toBe(404);
    expect((await api('/products/search?page=0')).status).toBe(400);
    expect((await api('/products/search?size=101')).status).toBe(400);
  });

  it('every service exposes Prometheus metrics that promtool accepts, and the pipeline counters moved', async () => {
    // Given a create, an update and a delete that went all the way through.
    const { id } = await renamedProduct();
    expect((await send('DELETE', `/products/${id}`)).status).toBe(200);
    await eventually(
      () => getProduct(id),
      (r) => r.status === 404,
      poll,
    );

    const scrape = async (name: keyof Stack['metricsUrls']) => (await fetch(stack.metricsUrls[name])).text();
    const value = (text: string, series: RegExp) =>
      text
        .split('\n')
        .filter((line) => series.test(line))
        .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);

    const scrapeAll = async () => ({
      gateway: await scrape('api-gateway'),
      writer: await scrape('writer-service'),
      reader: await scrape('reader-service'),
    });
    // A service counts a message after handling it, so a counter may trail what GET shows by a
    // moment: read until the counters of the three commands are in (failing if they never are).
    const texts = await eventually(
      scrapeAll,
      (t) =>
        value(t.writer, /^kafka_consumer_messages_total\{.*outcome="success"/) >= 3 &&
        value(t.writer, /^outbox_publish_delay_seconds_count\{/) >= 3 &&
        value(t.reader, /^kafka_consumer_messages_total\{.*outcome="success"/) >= 3 &&
        value(t.reader, /^projection_lag_seconds_count\{/) >= 3,
      { ...poll, what: 'the pipeline counters of the three commands' },
    );
    for (const text of Object.values(texts)) {
      const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
      expect(check.error, 'promtool is installed by make infra-up').toBeUndefined();
      expect(check.stdout + check.stderr).toBe('');
      expect(check.status).toBe(0);
    }
    expect(
      value(
        texts.gateway,
        /^http_server_request_duration_seconds_count\{.*route="\/api\/v1\/products".*status_code="201"/,
      ),
    ).toBeGreaterThanOrEqual(1);
    expect(value(texts.writer, /^kafka_consumer_messages_total\{.*outcome="success"/)).toBeGreaterThanOrEqual(
      3,
    );
    expect(value(texts.writer, /^outbox_publish_delay_seconds_count\{/)).toBeGreaterThanOrEqual(3);
    expect(value(texts.writer, /^outbox_pending_messages\{/)).toBe(0);
    expect(value(texts.reader, /^kafka_consumer_messages_total\{.*outcome="success"/)).toBeGreaterThanOrEqual(
      3,
    );
    expect(value(texts.reader, /^projection_lag_seconds_count\{/)).toBeGreaterThanOrEqual(3);
    expect(value(texts.reader, /^cache_lookups_total\{/)).toBeGreaterThanOrEqual(1);
    // The gateway's GETs reach the reader one by one or gathered into one lookup of many ids.
    expect(
      value(
        texts.reader,
        /^rpc_server_duration_seconds_count\{.*(?:GetProductById|GetProductsByIds)".*rpc_grpc_status_code="OK"/,
      ),
    ).toBeGreaterThanOrEqual(1);
  });
});

describe('shutdown (last in the file: it stops the stack the tests above share)', () => {
  it('every service shuts down cleanly on SIGTERM', async () => {
    // Not idle: the services have just handled commands and queries.
    await existingProduct();

    stopped = true;
    const codes = await Promise.all(Object.values(stack.services).map((s) => s.stop()));
    await stack.database.drop();
    expect(codes).toEqual([0, 0, 0]);
  });
});
