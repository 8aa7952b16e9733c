import type { ChainableCommander, Redis } from 'ioredis';

/*
 * Each entry is a hash {version, doc} written only by `rememberProduct`: it sets the entry when it
 * is absent or holds an older version. Why not plain SET or DEL: a query can read version 1 from
 * MongoDB, then an event applies version 2 and updates the cache, then the query writes its
 * version 1 back. With the version compared inside Redis (atomically), that late write is
 * refused, so the cache only ever moves forward. Changes overwrite instead of deleting for the
 * same reason: a deleted entry would forget the version that guards it. TTL 0 means no expiry
 * (the entry is part of the complete index, see cache-index.ts); a refused write still removes an
 * expiry an earlier, TTL-based writer left, or that entry would vanish from the index later.
 */
const rememberProduct = `
local current = tonumber(redis.call('HGET', KEYS[1], 'version'))
if current and current >= tonumber(ARGV[1]) then
  if ARGV[3] == '0' then redis.call('PERSIST', KEYS[1]) end
  return 0
end
redis.call('HSET', KEYS[1], 'version', ARGV[1], 'doc', ARGV[2])
if ARGV[3] == '0' then redis.call('PERSIST', KEYS[1]) else redis.call('EXPIRE', KEYS[1], ARGV[3]) end
return 1
`;

/**
 * Entries and the completeness marker read atomically, so a miss is judged against the same
 * instant: KEYS are the entries, then the marker (answered first).
 */
const lookupProducts = `
local found = { redis.call('GET', KEYS[#KEYS]) }
for i = 1, #KEYS - 1 do found[i + 1] = redis.call('HGET', KEYS[i], 'doc') end
return found
`;

const extendLock = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;

const releaseLock = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * Sets the marker only while the warm-up still holds its lock: if Redis lost its data during the
 * warm-up (the lock went with it) or the lock expired and another instance took over, the copy is
 * not known to be complete and the marker must not claim it.
 */
const completeIndex = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2])
redis.call('DEL', KEYS[1])
return 1
`;

const definitions = {
  rememberProduct: { numberOfKeys: 1, lua: rememberProduct },
  // The number of keys is the call's first argument.
  lookupProducts: { lua: lookupProducts, readOnly: true },
  extendLock: { numberOfKeys: 1, lua: extendLock },
  releaseLock: { numberOfKeys: 1, lua: releaseLock },
  completeIndex: { numberOfKeys: 2, lua: completeIndex },
};

export interface CacheScripts {
  rememberProduct(key: string, version: number, doc: string, ttlSeconds: number): Promise<number>;
  /** The marker, then each entry's document. */
  lookupProducts(numberOfKeys: number, ...keys: string[]): Promise<(string | null)[]>;
  extendLock(lockKey: string, token: string, ms: number): Promise<number>;
  releaseLock(lockKey: string, token: string): Promise<number>;
  completeIndex(lockKey: string, markerKey: string, token: string, marker: string): Promise<number>;
}

export type ScriptPipeline = ChainableCommander & {
  rememberProduct(key: string, version: number, doc: string, ttlSeconds: number): ScriptPipeline;
};

/**
 * Registers the scripts on the client. ioredis sends a script's source once per connection and
 * EVALSHA afterwards (also inside pipelines), and resends the source if Redis forgot it (NOSCRIPT).
 */
export function defineCacheScripts(redis: Redis): { scripts: CacheScripts; pipeline(): ScriptPipeline } {
  for (const [name, definition] of Object.entries(definitions)) redis.defineCommand(name, definition);
  return {
    scripts: redis as unknown as CacheScripts,
    pipeline: () => redis.pipeline() as unknown as ScriptPipeline,
  };
}
