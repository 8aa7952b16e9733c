import { randomUUID } from 'node:crypto';
import { type JsonAnswer, jsonClient } from '@cqrs-products/testing';
import type { ProductFields } from './command-stream.js';

export interface OpenLoopTally {
  sent: number;
  /** 2xx: the command is on Kafka and must take effect. */
  accepted: number;
  /** 503: refused, nothing may come of it. */
  refused: number;
  /** Anything else, or no answer: always a failure. */
  readonly unexpected: string[];
}

export interface OpenLoop {
  readonly tally: OpenLoopTally;
  /** Stops sending and waits for the answers still outstanding. */
  stop(): Promise<void>;
}

export interface OpenLoopOptions {
  readonly rate: number;
  /** Sends one request; resolves with its answer (or throws when there is none). */
  readonly send: () => Promise<JsonAnswer>;
  /** Called for each 2xx with the request's answer body. */
  readonly onAccepted?: (body: unknown) => void;
}

/**
 * Requests at a fixed offered rate whatever the answers take (open loop): a slow system gets the
 * same load, which is what overload means. Sent in 10 ms ticks, evenly enough at these rates.
 */
export function startOpenLoop(options: OpenLoopOptions): OpenLoop {
  const tally: OpenLoopTally = { sent: 0, accepted: 0, refused: 0, unexpected: [] };
  const outstanding = new Set<Promise<void>>();
  const startedAt = performance.now();
  const one = async () => {
    tally.sent++;
    try {
      const { status, body } = await options.send();
      if (status >= 200 && status < 300) {
        tally.accepted++;
        options.onAccepted?.(body);
      } else if (status === 503) tally.refused++;
      else tally.unexpected.push(`${status} ${JSON.stringify(body)}`);
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      tally.unexpected.push(`${(error as Error).message}: ${cause?.code ?? cause?.message ?? ''}`);
    }
  };
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - startedAt) / 1000) * options.rate) - tally.sent;
    for (let i = 0; i < due; i++) {
      const request = one();
      outstanding.add(request);
      void request.finally(() => outstanding.delete(request));
    }
  }, 10);
  return {
    tally,
    stop: async () => {
      clearInterval(timer);
      await Promise.all(outstanding);
    },
  };
}

/** Bounded keep-alive connections (json-client.ts says why). */
const send = jsonClient({ maxSockets: 256 });

export const jsonRequest = (url: string, method: string, payload: ProductFields): Promise<JsonAnswer> =>
  send(url, method, payload);

export const randomFields = (label: string, n: number): ProductFields => ({
  name: `Overload ${label} ${n}`,
  description: `open loop ${label} ${randomUUID()}`,
  price: (n % 1000) / 10,
});
