import type { Kafka, Producer as KafkaJsProducer } from 'kafkajs';

/** The part of a kafkajs producer this system uses; what `createProducer` returns. */
export type Producer = Pick<KafkaJsProducer, 'connect' | 'disconnect' | 'send' | 'sendBatch'>;

export interface RenewalLog {
  warn(obj: object, msg: string): void;
}

/**
 * An idempotent kafkajs producer that never gives two different sends the same sequence numbers.
 *
 * Why: the broker tells a producer's retry from a new batch only by its producer id and sequence
 * numbers. kafkajs counts a request's numbers before sending and takes them back when no answer
 * comes, but an unanswered request may have been written (a broker that stopped, or a connection
 * that broke, after appending it). Whatever kafkajs sends next under those numbers is then taken
 * for that batch: the broker acknowledges it without writing it when it has as many messages
 * (an acknowledged message lost), and refuses it, and every send after it, with
 * OUT_OF_ORDER_SEQUENCE_NUMBER when it has not (a producer stuck until the process restarts).
 * Two rules close both ways:
 * - one send at a time: another caller's messages cannot take the numbers of a send that is
 *   waiting to retry them (kafkajs already sends one request per broker at a time, so this costs
 *   nothing while the broker answers);
 * - after a send that failed, a new producer (a new producer id, numbered afresh) for the next:
 *   a failed send's numbers are never used again. A failed batch that was in fact written, and
 *   that its caller sends again, is then in the log twice; senders here already expect that of a
 *   failed send (command ids and event versions make the repeat a no-op downstream).
 */
export function createRenewingProducer(
  kafka: Kafka,
  create: (kafka: Kafka) => KafkaJsProducer,
  log?: RenewalLog,
): Producer {
  let current = create(kafka);
  let stale = false;
  /** Disconnected by its owner: a send then fails as kafkajs fails it, without reconnecting. */
  let closed = true;
  let tail: Promise<unknown> = Promise.resolve();

  const renew = async () => {
    const previous = current;
    current = create(kafka);
    await previous.disconnect().catch(() => {});
    await current.connect();
    // Its owner disconnected it meanwhile: the new one must not stay connected.
    if (closed) await current.disconnect();
    stale = false;
    log?.warn({}, 'replaced the Kafka producer after a failed send, so its sequence numbers are not reused');
  };

  const oneAtATime =
    <A extends unknown[], R>(call: (producer: KafkaJsProducer, ...args: A) => Promise<R>) =>
    (...args: A): Promise<R> => {
      const turn = tail.then(async () => {
        if (stale && !closed) await renew();
        try {
          return await call(current, ...args);
        } catch (error) {
          stale = true;
          throw error;
        }
      });
      tail = turn.catch(() => {});
      return turn;
    };

  return {
    connect: async () => {
      await current.connect();
      closed = false;
    },
    // Not after the sends in flight: one retrying against a broker that does not answer would
    // hold a shutdown for its request timeouts; disconnecting fails it now, as kafkajs does.
    disconnect: async () => {
      closed = true;
      await current.disconnect();
    },
    send: oneAtATime((producer, record) => producer.send(record)),
    sendBatch: oneAtATime((producer, batch) => producer.sendBatch(batch)),
  };
}
