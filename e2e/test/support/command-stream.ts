/**
 * A stream of product commands through the public REST API, shaped so that its final state is
 * well defined whatever the API answers: every product is created first; its updates follow only
 * once the create was accepted (the writer waits out an update that overtakes its create on
 * another topic); a delete follows only once the read model shows every accepted update, because
 * a delete that overtook an update would leave that update nothing to apply to. The expectation
 * is built from ACCEPTED (2xx) commands only; 503 means "not accepted, try again" and must have
 * no effect.
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
}

export interface CommandStream {
  readonly products: Map<string, ExpectedProduct>;
  readonly tally: StreamTally;
  /** Sends one create (e.g. a marker) outside the worker loop; the product id if accepted. */
  create(fields: ProductFields): Promise<string | undefined>;
  /**
   * Sends creates as a client would after a 503 (each a new product, every rejection counted)
   * until one is accepted; undefined if none is within the timeout.
   */
  createEventually(fields: ProductFields, timeoutMs: number): Promise<string | undefined>;
  /** Polls GET until the product shows `version`; false after the timeout. */
  visible(productId: string, version: number, timeoutMs: number): Promise<boolean>;
  /** Workers finish the product they are on, then stop; resolves when all have. */
  stop(): Promise<void>;
}

export interface StreamOptions {
  readonly apiUrl: string;
  /** Products handled at the same time (each product's commands stay sequential). */
  readonly workers: number;
  /** Pause after each command of a worker: sets the rate, keeps the stream going through the fault. */
  readonly paceMs: number;
  /** A word in every product name, to tell the streams of different runs apart. */
  readonly label: string;
  /** How long a worker waits for an update to become visible before it skips the delete. */
  readonly visibleTimeoutMs?: number;
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
  };
  const visibleTimeoutMs = options.visibleTimeoutMs ?? 60_000;
  let stopping = false;
  let nextProduct = 0;

  /** true: accepted; false: rejected with 503; anything else is recorded as unexpected. */
  const send = async (kind: CommandKind, path: string, method: string, body?: ProductFields) => {
    tally.sent[kind]++;
    try {
      const response = await fetch(`${options.apiUrl}${path}`, {
        method,
        ...(body && { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      });
      const answer = (await response.json().catch(() => ({}))) as { productId?: string };
      if (response.ok) {
        tally.accepted[kind]++;
        return { accepted: true, productId: answer.productId };
      }
      if (response.status === 503) {
        tally.rejected[kind]++;
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

  const visible = async (productId: string, version: number, timeoutMs: number): Promise<boolean> => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      // Reads also fill the cache with intermediate versions, which later events must overwrite.
      const response = await fetch(`${options.apiUrl}/products/${productId}`).catch(() => undefined);
      const body = (await response?.json().catch(() => undefined)) as { version?: number } | undefined;
      if (response?.status === 200 && body?.version === version) return true;
      await sleep(100);
    }
    return false;
  };

  const runProduct = async (n: number): Promise<void> => {
    const productId = await create(fieldsOf(options.label, n, 0));
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
    if (!(await visible(productId, expected.version, visibleTimeoutMs))) {
      tally.deletesSkipped++;
      return;
    }
    if ((await send('delete', `/products/${productId}`, 'DELETE')).accepted) {
      expected.version++;
      expected.deleted = true;
    }
    await sleep(options.paceMs);
  };

  const worker = async () => {
    while (!stopping) await runProduct(nextProduct++);
  };
  const workers = Promise.all(Array.from({ length: options.workers }, worker));

  return {
    products,
    tally,
    create,
    createEventually,
    visible,
    stop: async () => {
      stopping = true;
      await workers;
    },
  };
}

export const total = (counts: Record<CommandKind, number>): number =>
  counts.create + counts.update + counts.delete;
