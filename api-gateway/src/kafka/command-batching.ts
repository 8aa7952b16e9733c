import type { BatchingLimits } from './command-batcher.js';

/** The configurable part of command batching (KAFKA_PRODUCER_LINGER_MS, _MAX_BATCH, _MAX_QUEUED). */
export type CommandBatching = Omit<BatchingLimits, 'maxBatchBytes'>;

/**
 * A produce round trip with acks=all takes a few milliseconds here, so lingering about as long
 * costs little latency at low load. The queue bound keeps memory flat and, at the rate batching
 * reaches, keeps the wait of the last queued command well under a second.
 */
export const defaultBatching: CommandBatching = { lingerMs: 2, maxBatch: 500, maxQueued: 10_000 };
