import { readerErrors } from './errors.js';
import type { FallbackMetrics } from './metrics.js';

export type BreakerState = 'closed' | 'half-open' | 'open';

export interface ReadFallbackOptions {
  /** MongoDB reads in flight at most; more are refused at once. */
  readonly maxConcurrent: number;
  /** Consecutive failed reads that open the breaker. */
  readonly failureThreshold: number;
  /** How long an open breaker refuses before one trial read may test MongoDB again. */
  readonly openMs: number;
  readonly metrics?: FallbackMetrics;
  readonly now?: () => number;
}

export interface ReadFallback {
  /** Runs a MongoDB read for a query Redis could not answer, or refuses it with READ_MODEL_UNAVAILABLE. */
  run<T>(read: () => Promise<T>): Promise<T>;
  state(): BreakerState;
}

const stateValue: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

/**
 * The way from a query to MongoDB when Redis cannot answer (index incomplete, key awaiting repair,
 * Redis slow or down). On FerretDB each such read scans the collection (300 ms at 100k products),
 * so without a bound a Redis outage would turn every query into a scan and the scans would queue
 * until nothing answers. Bounded: a few reads at a time, the rest refused at once (UNAVAILABLE, the
 * gateway answers 503 and the client retries); and a breaker that, after consecutive failures,
 * refuses everything for a while instead of piling more work onto a MongoDB that is failing.
 */
export function createReadFallback(options: ReadFallbackOptions): ReadFallback {
  const now = options.now ?? Date.now;
  const { metrics } = options;
  let state: BreakerState = 'closed';
  let inFlight = 0;
  let failures = 0;
  let openUntil = 0;
  let trialRunning = false;
  metrics?.breakerState.set(stateValue[state]);

  const enter = (next: BreakerState) => {
    state = next;
    metrics?.breakerState.set(stateValue[next]);
  };
  const refuse = (result: 'refused_open' | 'refused_busy', detail: string): never => {
    metrics?.reads.inc({ result });
    throw readerErrors.READ_MODEL_UNAVAILABLE(detail);
  };

  return {
    state: () => state,

    run: async (read) => {
      if (state === 'open') {
        if (now() < openUntil) refuse('refused_open', 'MongoDB fallback paused after failures');
        enter('half-open');
      }
      if (state === 'half-open' && trialRunning) refuse('refused_open', 'MongoDB fallback being tested');
      if (inFlight >= options.maxConcurrent) refuse('refused_busy', 'too many MongoDB fallback reads');
      const trial = state === 'half-open';
      trialRunning ||= trial;
      inFlight++;
      metrics?.inFlight.set(inFlight);
      try {
        const result = await read();
        failures = 0;
        if (state !== 'closed') enter('closed');
        metrics?.reads.inc({ result: 'answered' });
        return result;
      } catch (error) {
        failures++;
        metrics?.reads.inc({ result: 'failed' });
        if (trial || failures >= options.failureThreshold) {
          enter('open');
          openUntil = now() + options.openMs;
        }
        throw readerErrors.READ_MODEL_UNAVAILABLE('MongoDB fallback read failed', { cause: error });
      } finally {
        inFlight--;
        if (trial) trialRunning = false;
        metrics?.inFlight.set(inFlight);
      }
    },
  };
}
