/**
 * Reads the services' Prometheus text exposition directly (no Prometheus server needed): the
 * outbox backlog and the Kafka consumer lag, summed over topics and partitions.
 */

export interface BacklogSample {
  /** Seconds since the scraper started. */
  readonly t: number;
  readonly phase: string;
  readonly outboxPending: number | null;
  readonly writerLag: number | null;
  readonly readerLag: number | null;
}

/** Sums the samples of one metric name (all label sets) in a text exposition; null if absent. */
export function sumMetric(
  exposition: string,
  name: string,
  labels: Record<string, string> = {},
): number | null {
  let sum: number | null = null;
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = line.match(/^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/);
    if (!match || match[1] !== name) continue;
    const labelText = match[2] ?? '';
    if (!Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`))) continue;
    sum = (sum ?? 0) + Number(match[3]);
  }
  return sum;
}

export async function scrape(url: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  return response.text();
}

export interface BacklogScraper {
  readonly samples: BacklogSample[];
  setPhase(phase: string): void;
  /** The latest sample (for waiting until the pipeline has drained). */
  latest(): BacklogSample | undefined;
  stop(): BacklogSample[];
}

export function startBacklogScraper(
  urls: { writer: string; reader: string },
  intervalMs = 500,
): BacklogScraper {
  const started = performance.now();
  const samples: BacklogSample[] = [];
  let phase = 'idle';
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      const [writer, reader] = await Promise.all([
        scrape(urls.writer).catch(() => ''),
        scrape(urls.reader).catch(() => ''),
      ]);
      samples.push({
        t: Math.round((performance.now() - started) / 100) / 10,
        phase,
        outboxPending: sumMetric(writer, 'outbox_pending_messages'),
        writerLag: sumMetric(writer, 'kafka_consumer_lag_messages'),
        readerLag: sumMetric(reader, 'kafka_consumer_lag_messages'),
      });
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), intervalMs);
  return {
    samples,
    setPhase: (next) => {
      phase = next;
    },
    latest: () => samples.at(-1),
    stop: () => {
      clearInterval(timer);
      return samples;
    },
  };
}

/**
 * Until the outbox and both consumer groups report no backlog on two scrapes in a row, or the
 * timeout (at least 5 s) passes. Resolves with whether it drained.
 */
export async function untilDrained(backlog: BacklogScraper, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + Math.max(timeoutMs, 5_000);
  let quiet = 0;
  let seen: BacklogSample | undefined;
  while (performance.now() < deadline) {
    const s = backlog.latest();
    // Count each scrape once: the loop may wake twice between two scrapes.
    if (s && s !== seen) {
      seen = s;
      const zero = (s.outboxPending ?? 0) === 0 && (s.writerLag ?? 0) === 0 && (s.readerLag ?? 0) === 0;
      quiet = zero ? quiet + 1 : 0;
      if (quiet >= 2) return true;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}
