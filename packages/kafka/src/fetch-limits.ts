/** What one of our messages takes in a fetch response, about (protobuf value and headers: ~250 B). */
const fetchBytesPerMessage = 512;

/**
 * How much one fetch may bring: about two chunks per partition and at most 2 MiB in all. kafkajs
 * keeps a whole fetch response decoded in memory (four Buffers and a headers object per message)
 * until every partition batch in it is handled. Its defaults (1 MiB per partition, 10 MiB per
 * fetch) held ~40k messages during a backlog (15 MiB of Buffer objects alone, mostly promoted to
 * old space while they waited: bench/results/memory-profile.md); 2 MiB is ~8k messages, still
 * several chunks for every worker (`partitionsConsumedConcurrently`) per fetch.
 */
export function fetchLimits(maxBatchSize: number): { maxBytesPerPartition: number; maxBytes: number } {
  const maxBytesPerPartition = Math.min(
    1024 * 1024,
    Math.max(64 * 1024, 2 * maxBatchSize * fetchBytesPerMessage),
  );
  return { maxBytesPerPartition, maxBytes: Math.min(2 * 1024 * 1024, 10 * maxBytesPerPartition) };
}
