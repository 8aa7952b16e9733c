import { encodeProductMessage, type SearchRes, toTimestamp } from '@cqrs-products/contracts';
import { sendMessage } from '@cqrs-products/kafka';
import { uniqueName } from '@cqrs-products/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newProductId, type ReaderHarness, startReaderHarness } from './support/reader-harness.js';

// SearchProduct end to end inside the reader: events from Kafka -> MongoDB + the PostgreSQL search
// table + Redis -> gRPC, on the real servers (FerretDB natively).
type Found = SearchRes['Products'][number];

let reader: ReaderHarness;
let sql: pg.Pool;
beforeAll(async () => {
  reader = await startReaderHarness();
  sql = new pg.Pool({ connectionString: reader.config.search.postgresUrl, max: 1 });
});
afterAll(async () => {
  await sql?.end();
  await reader?.stop();
});

const search = async (Search: string, page: number, size: number): Promise<SearchRes> => {
  const { error, value } = await reader.call<SearchRes>('SearchProduct', { Search, page, size });
  if (error || !value) throw error ?? new Error('no answer');
  return value;
};
const wire = (ProductID: string, Name: string, Version = 1) => ({
  ProductID,
  Name,
  Description: 'from Kafka',
  Price: 1,
  Version,
});
/** When each product of this file was created, so its updates keep it, as the writer's do. */
const createdAt = new Map<string, Date>();
let clock = Date.now();
const send = (type: 'ProductCreated' | 'ProductUpdated', product: ReturnType<typeof wire>) => {
  clock = Math.max(clock + 1, Date.now());
  const created = createdAt.get(product.ProductID) ?? new Date(clock);
  createdAt.set(product.ProductID, created);
  const topic = type === 'ProductCreated' ? reader.topics.created : reader.topics.updated;
  const at = { CreatedAt: toTimestamp(created), UpdatedAt: toTimestamp(new Date()) };
  return sendMessage(
    reader.producer,
    encodeProductMessage({
      topic,
      type,
      key: product.ProductID,
      value: { Product: { ...product, ...at } },
    }),
  );
};
const created = (id: string, name: string) => send('ProductCreated', wire(id, name));
const updated = (id: string, name: string, version: number) =>
  send('ProductUpdated', wire(id, name, version));
/** Creates products through their events, each newer than the one before. */
const createAll = async (token: string, count: number): Promise<string[]> => {
  const ids = Array.from({ length: count }, () => newProductId());
  for (const [i, id] of ids.entries()) await created(id, `${token} item ${i}`);
  await reader.untilConsumed();
  return ids;
};

/** Reads page after page until one says there is no more, running `between` after each page. */
const readPages = async (text: string, size: number, between: (read: SearchRes[]) => Promise<void>) => {
  const pages: SearchRes[] = [];
  for (let page = 1; page <= 50; page++) {
    const answer = await search(text, page, size);
    pages.push(answer);
    // Each answer is one snapshot: its count, its paging fields and its products agree.
    const onPage = Math.max(0, Math.min(size, answer.TotalCount - (page - 1) * size));
    expect(answer.Products.length).toBe(onPage);
    expect(answer.TotalPages).toBe(Math.ceil(answer.TotalCount / size));
    expect(answer.HasMore).toBe(page < answer.TotalPages);
    if (!answer.HasMore) break;
    await between(pages);
  }
  return pages;
};
const idsOf = (pages: SearchRes[]) => pages.flatMap((p) => p.Products.map((f) => f.ProductID));
const millis = ({ ProductID, CreatedAt }: Found) => {
  if (!CreatedAt) throw new Error(`${ProductID} came without CreatedAt`);
  return CreatedAt.seconds * 1000 + CreatedAt.nanos / 1e6;
};

describe('paging', () => {
  it('shows every product exactly once, newest first, while nothing changes', async () => {
    const token = uniqueName('stable');
    const ids = await createAll(token, 23);

    const pages = await readPages(token, 5, async () => {});
    expect(pages.map((p) => p.Products.length)).toEqual([5, 5, 5, 5, 3]);
    expect(pages[0]).toMatchObject({ TotalCount: 23, TotalPages: 5, HasMore: true });
    const found = pages.flatMap((p) => p.Products);
    expect(new Set(idsOf(pages))).toEqual(new Set(ids));
    expect(found).toHaveLength(23);
    const ordered = [...found].sort((a, b) => millis(b) - millis(a) || (a.ProductID < b.ProductID ? -1 : 1));
    expect(found.map((f) => f.ProductID)).toEqual(ordered.map((f) => f.ProductID));
  });

  it('while products are updated and created between pages: none is skipped, repeats only by creates', async () => {
    const token = uniqueName('grow');
    const ids = await createAll(token, 12);
    let creates = 0;
    const renamed = new Set<string>();

    const pages = await readPages(token, 4, async (read) => {
      // An update keeps createdAt, so it moves nothing; a create goes first and pushes every
      // product one place down, so the next page may repeat the last one of this page.
      const unseen = ids.filter((id) => !idsOf(read).includes(id));
      const next = unseen[unseen.length - 1] as string;
      await updated(next, `${token} renamed`, 2);
      renamed.add(next);
      await created(newProductId(), `${token} newcomer`);
      creates++;
      await reader.untilConsumed();
    });

    const seen = idsOf(pages);
    for (const id of ids) expect(seen, 'a product existing all along was skipped').toContain(id);
    const repeats = seen.length - new Set(seen).size;
    expect(repeats).toBeLessThanOrEqual(creates);
    const later = pages.flatMap((p) => p.Products).filter((f) => renamed.has(f.ProductID));
    expect(later.map((f) => [f.Name, f.Version])).toEqual(later.map(() => [`${token} renamed`, 2]));
  });

  it('while products are deleted between pages: none repeats, a deleted one never shows again', async () => {
    const token = uniqueName('shrink');
    const ids = await createAll(token, 12);
    const deletedAt = new Map<string, number>();

    const pages = await readPages(token, 4, async (read) => {
      // One already shown (everything after it moves up one place: one may be missed) and one
      // not yet shown (it must not appear later).
      const shown = idsOf(read);
      const unseen = ids.filter((id) => !shown.includes(id) && !deletedAt.has(id));
      for (const id of [shown[0] as string, unseen[unseen.length - 1] as string]) {
        if (deletedAt.has(id)) continue;
        await reader.deleted(id, 2);
        deletedAt.set(id, read.length);
      }
      await reader.untilConsumed();
    });

    const seen = idsOf(pages);
    expect(new Set(seen).size).toBe(seen.length);
    pages.forEach((page, index) => {
      for (const f of page.Products) {
        const deletedAfterPage = deletedAt.get(f.ProductID);
        if (deletedAfterPage !== undefined) expect(index).toBeLessThan(deletedAfterPage);
      }
    });
    const missed = ids.filter((id) => !seen.includes(id) && !deletedAt.has(id));
    const deletesOfShown = [...deletedAt.keys()].filter((id) => seen.includes(id)).length;
    expect(missed.length).toBeLessThanOrEqual(deletesOfShown);
    const last = pages[pages.length - 1] as SearchRes;
    expect(last.TotalCount).toBe(12 - deletedAt.size);
  });
});

describe('stale events', () => {
  const row = async (id: string) =>
    (await sql.query('SELECT version, deleted, name FROM product_search WHERE product_id = $1', [id]))
      .rows[0];

  it('an older update after a newer one, or after the delete, changes nothing in search', async () => {
    const token = uniqueName('stale');
    const id = newProductId();
    for (const send of [
      () => created(id, `${token} v1`),
      () => updated(id, `${token} v3`, 3),
      () => updated(id, `${token} v2 late`, 2),
    ]) {
      // One at a time: created and updated are different topics, so no order holds between them.
      await send();
      await reader.untilConsumed();
    }
    expect((await search(token, 1, 10)).Products.map((f) => [f.Name, f.Version])).toEqual([
      [`${token} v3`, 3],
    ]);

    await reader.deleted(id, 4);
    await reader.untilConsumed();
    await updated(id, `${token} v3 again`, 3);
    await reader.untilConsumed();
    expect(await search(token, 1, 10)).toMatchObject({ TotalCount: 0, Products: [] });
    expect(await row(id)).toEqual({ version: '4', deleted: true, name: null });
  });
});

describe('search metrics', () => {
  it('time each search as a PostgreSQL operation', async () => {
    await search('anything', 1, 1);
    const text = await (await fetch(`http://127.0.0.1:${reader.service.metricsPort}/metrics`)).text();
    const line = text
      .split('\n')
      .find(
        (l) =>
          l.startsWith('db_client_operation_duration_seconds_count{') &&
          l.includes('db_system="postgresql"') &&
          l.includes('db_operation="search"') &&
          l.includes('outcome="success"'),
      );
    expect(Number(line?.slice(line.lastIndexOf(' ') + 1))).toBeGreaterThan(0);
  });
});
