/**
 * kafkajs can leave a consumer running after stop(): stop() while kafkajs restarts it after a
 * crash finds the new group session still joining (not yet "running"), returns, and forgets it;
 * the join then completes and that orphan fetches for good, a member holding partitions, beyond
 * the reach of disconnect(). Our handler would skip every batch it is given (we stopped), so its
 * partitions were never consumed while the replacement looked healthy: a writer that never came
 * back after a long Kafka outage. A batch for a stopped consumer therefore fails it with an error
 * kafkajs does not retry or restart on: the orphan crashes and leaves the group (or, its
 * connections cut, is evicted after the session timeout), which hands its partitions to the live
 * consumer (packages/kafka/test/liveness.int.spec.ts makes the race certain).
 */
export function stoppedConsumerError(): Error {
  return Object.assign(
    new Error('this consumer was stopped; it leaves its group instead of handling the batch'),
    {
      retriable: false,
    },
  );
}
