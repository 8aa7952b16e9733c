import type { Redis } from 'ioredis';

/** A change the read model applied, named by the command that caused it. */
export interface CommandEffect {
  /** The command's message id: the consistency token its client was answered with. */
  readonly commandId: string;
  readonly productId: string;
  /** The version the command produced. */
  readonly version: number;
}

export interface CommandTokens {
  /** Records the effects in one round trip; a failure is logged, never thrown. */
  record(effects: readonly CommandEffect[]): Promise<void>;
  /** The version a command produced for the product, or undefined while none is recorded. */
  versionOf(productId: string, commandId: string): Promise<number | undefined>;
}

export interface CommandTokensLog {
  warn(obj: object, msg: string): void;
}

/**
 * How long a token is honoured after its change was applied. A client asks right after its
 * command was answered; the window only has to outlast a backlog being projected and the client's
 * retries. Bounded because Redis is the index's memory: at 1000 updates per second this is
 * about 300k keys of ~100 bytes.
 */
export const tokenTtlSeconds = 300;

/**
 * Which version each command produced, in Redis next to the index, so every reader instance can
 * tell whether a client's change is visible, whichever instance projected it. The key carries the
 * product id, so a token only ever answers for the product its command changed. Only updates and
 * deletes need one: a create always produces version 1, and its client asks for that.
 */
export function createCommandTokens(redis: Redis, keyPrefix: string, log: CommandTokensLog): CommandTokens {
  const key = (productId: string, commandId: string) => `${keyPrefix}command:${productId}:${commandId}`;
  return {
    record: async (effects) => {
      if (effects.length === 0) return;
      const commands = redis.pipeline();
      for (const e of effects) commands.set(key(e.productId, e.commandId), e.version, 'EX', tokenTtlSeconds);
      try {
        const results = (await commands.exec()) ?? [];
        if (results.some(([error]) => error)) throw new Error('a token write failed');
      } catch (error) {
        // Only costs the waiting clients a 503 with Retry-After; the events themselves are applied.
        log.warn({ err: error, tokens: effects.length }, 'consistency tokens not recorded');
      }
    },
    versionOf: async (productId, commandId) => {
      const value = await redis.get(key(productId, commandId));
      return value === null ? undefined : Number(value);
    },
  };
}
