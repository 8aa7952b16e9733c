import type { EventEmitter } from 'node:events';
import type { MongoClient } from 'mongodb';

export interface MongoClientLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** How often the driver checks the server while all is well (MongoClient heartbeatFrequencyMS). */
export const heartbeatFrequencyMs = 10_000;

export interface MonitorWatchdogOptions {
  /** The client's SDAM events (a MongoClient). */
  readonly events: Pick<EventEmitter, 'on'>;
  /** Closes and reopens the client; rejects while the server cannot be reached. */
  readonly reconnect: () => Promise<void>;
  readonly log: MongoClientLog;
  /** No server check started for this long means the driver stopped checking. */
  readonly stallAfterMs?: number;
  readonly checkEveryMs?: number;
  /** What the driver's monitor looked like when it went silent, for the log. */
  readonly describe?: () => unknown;
  readonly now?: () => number;
}

export interface MonitorWatchdog {
  /** Replaced clients so far (a metric, and what the tests look at). */
  readonly reconnects: () => number;
  stop(): void;
}

/**
 * The MongoDB driver finds a restarted server again through its monitor, which checks the server
 * every heartbeat (every 500 ms while operations wait for it). In the fault suite the reader's
 * monitor once stopped checking for good after FerretDB restarted: no check started, no
 * connection attempted, every operation failed server selection with the error of a connection
 * closed minutes before, the projection waited forever, and the test's marker never showed (the
 * process and its Kafka membership were fine). Whatever wedges the monitor, a check that never
 * starts is visible from outside: no `serverHeartbeatStarted` event. After three heartbeats of
 * silence the client is closed and opened again, which starts a fresh monitor and pool; until it
 * connects, operations fail as "not connected" (transient, so the projection keeps waiting).
 */
export function watchMongoMonitor(options: MonitorWatchdogOptions): MonitorWatchdog {
  const { events, log } = options;
  const now = options.now ?? Date.now;
  const stallAfterMs = options.stallAfterMs ?? 3 * heartbeatFrequencyMs;
  let lastCheckAt = now();
  let unreachable = false;
  let reconnecting = false;
  let reconnects = 0;

  events.on('serverHeartbeatStarted', () => {
    lastCheckAt = now();
  });
  events.on('serverHeartbeatFailed', (event: { failure?: unknown }) => {
    if (!unreachable) log.warn({ err: event.failure }, 'MongoDB unreachable, the driver keeps checking');
    unreachable = true;
  });
  events.on('serverHeartbeatSucceeded', () => {
    if (unreachable) log.info({}, 'MongoDB reachable again');
    unreachable = false;
  });

  const check = async () => {
    const silentMs = now() - lastCheckAt;
    if (reconnecting || silentMs <= stallAfterMs) return;
    reconnecting = true;
    log.error(
      { silentMs, monitor: options.describe?.() },
      'the MongoDB driver stopped checking the server; opening the client again',
    );
    try {
      await options.reconnect();
      reconnects++;
      log.info({ reconnects }, 'MongoDB client opened again');
    } catch (error) {
      log.warn({ err: error }, 'opening the MongoDB client again failed; trying again');
    } finally {
      // A new client checks at once; a failed attempt is tried again after another silence.
      lastCheckAt = now();
      reconnecting = false;
    }
  };
  const timer = setInterval(() => void check(), options.checkEveryMs ?? 5_000);
  timer.unref();
  return { reconnects: () => reconnects, stop: () => clearInterval(timer) };
}

/** The watchdog for a MongoClient: reconnects it in place (its Db and Collection handles stay valid). */
export function watchMongoClient(
  client: MongoClient,
  log: MongoClientLog,
  timing: Pick<MonitorWatchdogOptions, 'stallAfterMs' | 'checkEveryMs'> = {},
): MonitorWatchdog {
  return watchMongoMonitor({
    ...timing,
    events: client,
    log,
    reconnect: async () => {
      await client.close();
      await client.connect();
    },
    describe: () => describeMonitors(client),
  });
}

/** The driver's internal monitor state (not public API; only logged, never relied on). */
function describeMonitors(client: MongoClient): unknown {
  try {
    const topology = (client as unknown as { topology?: { s?: { servers?: Map<string, unknown> } } })
      .topology;
    return [...(topology?.s?.servers?.values() ?? [])].map((server) => {
      const monitor = (server as { monitor?: { s?: { state?: string }; monitorId?: unknown } }).monitor;
      return { state: monitor?.s?.state, interval: JSON.parse(JSON.stringify(monitor?.monitorId ?? null)) };
    });
  } catch {
    return undefined;
  }
}
