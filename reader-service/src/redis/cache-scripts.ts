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
 * KEYS[2] is the entry's write marks (below): a token in ARGV[4] leaves them with the write, in
 * the same step, so no reader sees the mark gone and the entry old; last, so a write that fails
 * (a script stops at its error, keeping what it did before) keeps the mark.
 */
const rememberProduct = `
local written = 0
local current = tonumber(redis.call('HGET', KEYS[1], 'version'))
if not current or current < tonumber(ARGV[1]) then
  redis.call('HSET', KEYS[1], 'version', ARGV[1], 'doc', ARGV[2])
  written = 1
end
if ARGV[3] == '0' then redis.call('PERSIST', KEYS[1]) elseif written == 1 then redis.call('EXPIRE', KEYS[1], ARGV[3]) end
if ARGV[4] ~= '' then redis.call('ZREM', KEYS[2], ARGV[4]) end
return written
`;

const nowMs = `
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
`;

/*
 * Write marks: a sorted set per product of the writers (one token per reader process) that are
 * between its MongoDB write and its Redis write, scored by when the mark lapses. While a mark
 * holds, no instance answers the product from Redis (its entry may be older than MongoDB) and a
 * failed Redis write keeps it until a repair rewrites the entry. The lapse only frees a mark whose
 * writer died; the set itself expires with its last mark.
 */
const markWriting = `${nowMs}
local ms = tonumber(ARGV[2])
for i = 1, #KEYS do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now)
  redis.call('ZADD', KEYS[i], now + ms, ARGV[1])
  if redis.call('PTTL', KEYS[i]) < ms then redis.call('PEXPIRE', KEYS[i], ms) end
end
return #KEYS
`;

/**
 * Entries, their write marks and the completeness marker read atomically, so a miss is judged
 * against the same instant: KEYS are the entries, then their marks in the same order, then the
 * marker (answered first). An entry with a live mark answers 0 instead of its document.
 */
const lookupProducts = `
local n = (#KEYS - 1) / 2
local found = { redis.call('GET', KEYS[#KEYS]) }
local now
for i = 1, n do
  local marked = false
  -- The hot path: most products have no marks, and then no clock is read.
  if redis.call('EXISTS', KEYS[n + i]) == 1 then
    if not now then
      local clock = redis.call('TIME')
      now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
    end
    marked = redis.call('ZCOUNT', KEYS[n + i], '(' .. now, '+inf') > 0
  end
  if marked then found[i + 1] = 0 else found[i + 1] = redis.call('HGET', KEYS[i], 'doc') end
end
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
  rememberProduct: { numberOfKeys: 2, lua: rememberProduct },
  markWriting: { lua: markWriting },
  // The number of keys is the call's first argument.
  lookupProducts: { lua: lookupProducts, readOnly: true },
  extendLock: { numberOfKeys: 1, lua: extendLock },
  releaseLock: { numberOfKeys: 1, lua: releaseLock },
  completeIndex: { numberOfKeys: 2, lua: completeIndex },
};

/** rememberProduct's arguments, the same called alone or in a pipeline. */
type RememberProductArgs = [
  key: string,
  marksKey: string,
  version: number,
  doc: string,
  ttlSeconds: number,
  token: string,
];

export interface CacheScripts {
  rememberProduct(...args: RememberProductArgs): Promise<number>;
  /** Marks keys (the first argument says how many) as being written by `token` for `ms`. */
  markWriting(numberOfKeys: number, ...keysThenTokenAndMs: (string | number)[]): Promise<number>;
  /** The marker, then each entry's document, or 0 for an entry being written. */
  lookupProducts(numberOfKeys: number, ...keys: string[]): Promise<(string | number | null)[]>;
  extendLock(lockKey: string, token: string, ms: number): Promise<number>;
  releaseLock(lockKey: string, token: string): Promise<number>;
  completeIndex(lockKey: string, markerKey: string, token: string, marker: string): Promise<number>;
}

export type ScriptPipeline = ChainableCommander & {
  rememberProduct(...args: RememberProductArgs): ScriptPipeline;
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
