/**
 * A stream of product commands through the public REST API, shaped so that its final state is
 * well defined whatever the API answers: every product is created first; its updates follow only
 * once the create was accepted (the writer waits out an update that overtakes its create on
 * another topic); a delete follows only once the read model shows every accepted update, because
 * a delete that overtook an update would leave that update nothing to apply to. The expectation
 * is built from ACCEPTED (2xx) commands only; 503 means "not accepted, try again" and must have
 * no effect.
 *
 * Waiting for the read model is the one wait that depends on the pipeline, and it is long exactly
 * when something downstream is broken (a store down, a consumer restarting): so a worker hands
 * the delete to a waiter of its own and goes on to its next product, and the stream keeps its
 * pace through the fault. The delete is still the product's last command, sent only once its last
 * accepted update is visible; nothing else is sent for that product, so its final state stays
 * defined. `stop()` waits for these deletes too.
 */

export type CommandKind = 'create' | 'update' | 'delete';

export interface ProductFields {
  readonly name: string;
  readonly description: string;
  readonly price: number;
}

/** What PostgreSQL and the read model must hold for one product once the pipeline has drained. */
export interface ExpectedProduct {
  readonly productId: string;
  /** 1 for the create, +1 per accepted update, +1 for an accepted delete. */
  version: number;
  deleted: boolean;
  fields: ProductFields;
}

export interface StreamTally {
  readonly sent: Record<CommandKind, number>;
  readonly accepted: Record<CommandKind, number>;
  readonly rejected: Record<CommandKind, number>;
  /** Answers other than 2xx and 503 (or no answer at all): always a failure. */
  readonly unexpected: string[];
  /** Deletes not sent because the read model never showed the product's last update in time. */
  deletesSkipped: number;
  /** Open loop: products not started on time because `workers` products were running. */
  productsNotStarted: number;
  /** What the stream waited on, in milliseconds per wait: where its pace went. */
  readonly waits: StreamWaits;
}

/** Durations (ms) of each answer by outcome, and of each wait for visibility before a delete. */
export interface StreamWaits {
  readonly accepted: number[];
  readonly rejected: number[];
  readonly visibleBeforeDelete: number[];
  /** Answer durations of the commands sent in each second of the stream (index: second). */
  readonly answersBySecond: number[][];
}

export interface CommandStream {
  readonly products: Map<string, ExpectedProduct>;
  readonly tally: StreamTally;
  /** Resolves when the stream runs (after the warm-up, when asked for). */
  readonly started: Promise<void>;
  /** Sends one create (e.g. a marker) outside the worker loop; the product id if accepted. */
  create(fields: ProductFields): Promise<string | undefined>;
  /**
   * Sends creates as a client would after a 503 (each a new product, every rejection counted)
   * until one is accepted; undefined if none is within the timeout.
   */
  createEventually(fields: ProductFields, timeoutMs: number): Promise<string | undefined>;
  /** Polls GET until the product shows `version`; false after the timeout. */
  visible(productId: string, version: number, timeoutMs: number): Promise<boolean>;
  /**
   * No product starts any more; the running ones finish (a refused create is not tried again);
   * resolves when they have and every delete handed to a waiter has been sent (or skipped).
   */
  stop(): Promise<void>;
}

export interface StreamOptions {
  readonly apiUrl: string;
  /** Products handled at the same time (each product's commands stay sequential). */
  readonly workers: number;
  /**
   * Starts products at this rate, as independent clients arrive (open loop), at most `workers`
   * at a time: the stream's rate then does not fall when answers get slow (a busy machine), and
   * a client whose create is refused tries again after the Retry-After second, as clients do.
   * Without it `workers` products run back to back (closed loop).
   */
  readonly productsPerSecond?: number;
  /** Pause after each command of a product: sets the rate, keeps the stream going through the fault. */
  readonly paceMs: number;
  /** A word in every product name, to tell the streams of different runs apart. */
  readonly label: string;
  /** How long a delete waits for the last update to become visible before it is skipped. */
  readonly visibleTimeoutMs?: number;
  /**
   * Before the stream starts, one create (tried again after a 503) must be visible: a stack just
   * started answers its first requests slowly (seconds on a busy machine), and a fault should hit
   * a stream that runs at its rate. The product is part of the stream like any other.
   */
  readonly warmUp?: boolean;
}

const zero = (): Record<CommandKind, number> => ({ create: 0, update: 0, delete: 0 });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Deterministic shape per product number: 0 to 3 updates, every fourth product deleted. */
const updatesOf = (n: number) => n % 4;
const deletes = (n: number) => n % 4 === 1;
const fieldsOf = (label: string, n: number, step: number): ProductFields => ({
  name: `Lamp ${label} p${n} s${step}`,
  description: `fault stream ${label}, product ${n}, step ${step}`,
  price: Math.round((n * 7 + step) * 101) / 100,
});

export function startCommandStream(options: StreamOptions): CommandStream {
  const products = new Map<string, ExpectedProduct>();
  const tally: StreamTally = {
    sent: zero(),
    accepted: zero(),
    rejected: zero(),
    unexpected: [],
    deletesSkipped: 0,
    productsNotStarted: 0,
    waits: { accepted: [], rejected: [], visibleBeforeDelete: [], answersBySecond: [] },
  };
  // Reset when the warm-up is done: the timeline is the stream's.
  let streamStartedAt = performance.now();
  const answered = (startedAt: number, into: number[]) => {
    const ms = performance.now() - startedAt;
    into.push(ms);
    const second = Math.floor((startedAt - streamStartedAt) / 1000);
    const bucket = tally.waits.answersBySecond[second] ?? [];
    bucket.push(ms);
    tally.waits.answersBySecond[second] = bucket;
  };
  const visibleTimeoutMs = options.visibleTimeoutMs ?? 60_000;
  let stopping = false;
  let nextProduct = 0;

  /** true: accepted; false: rejected with 503; anything else is recorded as unexpected. */
  const send = async (kind: CommandKind, path: string, method: string, body?: ProductFields) => {
    tally.sent[kind]++;
    const startedAt = performance.now();
    try {
      const response = await fetch(`${options.apiUrl}${path}`, {
        method,
        ...(body && { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      });
      const answer = (await response.json().catch(() => ({}))) as { productId?: string };
      if (response.ok) {
        tally.accepted[kind]++;
        answered(startedAt, tally.waits.accepted);
        return { accepted: true, productId: answer.productId };
      }
      if (response.status === 503) {
        tally.rejected[kind]++;
        answered(startedAt, tally.waits.rejected);
        return { accepted: false };
      }
      tally.unexpected.push(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
    } catch (error) {
      tally.unexpected.push(`${method} ${path}: ${(error as Error).message}`);
    }
    return { accepted: false };
  };

  const create = async (fields: ProductFields): Promise<string | undefined> => {
    const { accepted, productId } = await send('create', '/products', 'POST', fields);
    if (!accepted || !productId) return undefined;
    products.set(productId, { productId, version: 1, deleted: false, fields });
    return productId;
  };

  const createEventually = async (fields: ProductFields, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const productId = await create(fields);
      if (productId || Date.now() > deadline) return productId;
      await sleep(1_000);
    }
  };

  /** Polls every `pollMs`, the pause growing by `backoff` each time up to a second. */
  const visibleWithin = async (productId: string, version: number, timeoutMs: number, backoff: number) => {
    const deadline = Date.now() + timeoutMs;
    let pollMs = 100;
    while (Date.now() < deadline) {
      // Reads also fill the cache with intermediate versions, which later events must overwrite.
      const response = await fetch(`${options.apiUrl}/products/${productId}`).catch(() => undefined);
      const body = (await response?.json().catch(() => undefined)) as { version?: number } | undefined;
      if (response?.status === 200 && body?.version === version) return true;
      await sleep(pollMs);
      pollMs = Math.min(1_000, pollMs * backoff);
    }
    return false;
  };
  const visible = (productId: string, version: number, timeoutMs: number): Promise<boolean> =>
    visibleWithin(productId, version, timeoutMs, 1);

  const pendingDeletes = new Set<Promise<void>>();
  /**
   * While the read model stands still, hundreds of deletes may be waiting at once: their polls
   * slow down (100 ms, growing to 1 s) so that they do not become the load.
   */
  const deleteOnceVisible = async (productId: string, expected: ExpectedProduct): Promise<void> => {
    const waitStartedAt = performance.now();
    const shown = await visibleWithin(productId, expected.version, visibleTimeoutMs, 1.5);
    tally.waits.visibleBeforeDelete.push(performance.now() - waitStartedAt);
    if (!shown) {
      tally.deletesSkipped++;
      return;
    }
    if ((await send('delete', `/products/${productId}`, 'DELETE')).accepted) {
      expected.version++;
      expected.deleted = true;
    }
  };

  const createOf = async (n: number): Promise<string | undefined> => {
    const fields = fieldsOf(options.label, n, 0);
    if (options.productsPerSecond === undefined) return create(fields);
    for (;;) {
      const productId = await create(fields);
      if (productId || stopping) return productId;
      await sleep(1_000);
    }
  };

  const runProduct = async (n: number): Promise<void> => {
    const productId = await createOf(n);
    await sleep(options.paceMs);
    // A rejected create leaves no id to update: the product simply does not exist.
    if (!productId) return;
    const expected = products.get(productId) as ExpectedProduct;
    for (let step = 1; step <= updatesOf(n); step++) {
      const fields = fieldsOf(options.label, n, step);
      if ((await send('update', `/products/${productId}`, 'PUT', fields)).accepted) {
        expected.version++;
        expected.fields = fields;
      }
      await sleep(options.paceMs);
    }
    if (!deletes(n)) return;
    const pending = deleteOnceVisible(productId, expected).finally(() => pendingDeletes.delete(pending));
    pendingDeletes.add(pending);
  };

  const worker = async () => {
    while (!stopping) await runProduct(nextProduct++);
  };
  const openLoop = async (perSecond: number) => {
    const running = new Set<Promise<void>>();
    const startedAt = Date.now();
    let started = 0;
    while (!stopping) {
      const due = Math.floor(((Date.now() - startedAt) / 1000) * perSecond);
      for (; started < due; started++) {
        if (running.size >= options.workers) {
          tally.productsNotStarted++;
          continue;
        }
        const product = runProduct(nextProduct++).finally(() => running.delete(product));
        running.add(product);
      }
      await sleep(5);
    }
    await Promise.all(running);
  };
  const warmUp = async () => {
    if (!options.warmUp) return;
    const fields = { name: `Lamp ${options.label} warm-up`, description: 'warm-up', price: 1 };
    const productId = await createEventually(fields, 60_000);
    if (!productId || !(await visible(productId, 1, 60_000)))
      throw new Error('the warm-up create never became visible');
    streamStartedAt = performance.now();
  };
  const started = warmUp();
  const workers = started.then(() =>
    options.productsPerSecond === undefined
      ? Promise.all(Array.from({ length: options.workers }, worker)).then(() => undefined)
      : openLoop(options.productsPerSecond),
  );

  return {
    products,
    tally,
    started,
    create,
    createEventually,
    visible,
    stop: async () => {
      stopping = true;
      // A failed warm-up has already failed the caller, through `started`.
      await workers.catch(() => undefined);
      await Promise.all(pendingDeletes);
    },
  };
}

export const total = (counts: Record<CommandKind, number>): number =>
  counts.create + counts.update + counts.delete;

/**
 * What the stream waited on: answers by outcome, visibility before deletes, and per second of the
 * stream the commands sent and their median answer ("12:41/9" = second 12, 41 sent, p50 9 ms).
 */
export function describeWaits(waits: StreamWaits): string {
  const sortedOf = (values: readonly number[]) => [...values].sort((a, b) => a - b);
  const at = (sorted: readonly number[], q: number) =>
    Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
  const summary = (label: string, values: readonly number[]) => {
    if (values.length === 0) return `${label} none`;
    const sorted = sortedOf(values);
    const sum = Math.round(values.reduce((a, b) => a + b, 0) / 1000);
    return `${label} n=${values.length} p50=${at(sorted, 0.5)} p99=${at(sorted, 0.99)} max=${at(sorted, 1)} ms (${sum} s in all)`;
  };
  const timeline = Array.from(waits.answersBySecond, (answers, second) =>
    answers ? `${second}:${answers.length}/${at(sortedOf(answers), 0.5)}` : `${second}:0`,
  ).join(' ');
  return [
    summary('2xx', waits.accepted),
    summary('503', waits.rejected),
    summary('visible before delete', waits.visibleBeforeDelete),
    `per second sent/p50 ms: ${timeline}`,
  ].join('; ');
}
