import net from 'node:net';
import type { ISocketFactory } from 'kafkajs';

/** Kafka's Produce request: the api key in the request header, after the 4-byte size. */
const produceApiKey = 0;

export interface LossyNetwork {
  /** Give this to kafkajs (`socketFactory`): every connection of that client goes through it. */
  readonly socketFactory: ISocketFactory;
  /**
   * The next Produce request reaches the broker, but its reply never comes back: the connection
   * goes deaf, breaks shortly after, and no new connection opens until `restore()`. This is a
   * broker that stopped, or a network that broke, right after writing a batch.
   */
  loseNextProduceReply(): void;
  /** Whether a Produce request was sent into the void since `loseNextProduceReply()`. */
  readonly replyLost: boolean;
  restore(): void;
}

/** A real TCP path to a real broker, with one fault that only a network can cause. */
export function lossyNetwork(): LossyNetwork {
  let state: 'up' | 'armed' | 'down' = 'up';
  let replyLost = false;

  const socketFactory: ISocketFactory = ({ host, port, onConnect }) => {
    const socket = net.connect({ host, port }, onConnect);
    socket.setKeepAlive(true, 60_000);
    if (state === 'down') {
      setImmediate(() => socket.destroy(new Error('network down')));
      return socket;
    }
    let deaf = false;
    const emit = socket.emit.bind(socket);
    socket.emit = (event: string | symbol, ...args: unknown[]) =>
      deaf && event === 'data' ? true : emit(event, ...args);
    const write = socket.write.bind(socket) as (chunk: unknown, ...rest: unknown[]) => boolean;
    socket.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (state === 'armed' && Buffer.isBuffer(chunk) && chunk.readInt16BE(4) === produceApiKey) {
        state = 'down';
        replyLost = true;
        deaf = true;
        // Long enough for the broker to append the batch, well inside kafkajs's request timeout.
        setTimeout(() => socket.destroy(new Error('connection lost')), 300);
      }
      return write(chunk, ...rest);
    }) as typeof socket.write;
    return socket;
  };

  return {
    socketFactory,
    loseNextProduceReply: () => {
      state = 'armed';
      replyLost = false;
    },
    get replyLost() {
      return replyLost;
    },
    restore: () => {
      state = 'up';
    },
  };
}
