import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Resolves when the dependency answers; rejects (or times out) when it does not. */
export type ReadinessCheck = () => Promise<unknown>;

export interface ProbeServerOptions {
  readonly host?: string;
  readonly port: number;
  /** Named dependency checks run on every /ready request. */
  readonly checks: Readonly<Record<string, ReadinessCheck>>;
  readonly checkTimeoutMs?: number;
}

export interface ProbeServer {
  readonly port: number;
  /** /ready answers 503 from now on, so traffic drains before intake stops. */
  markShuttingDown(): void;
  close(): Promise<void>;
}

/**
 * `/live`: the process is up and its event loop turns (no dependency checks: a restart would not
 * fix a database outage). `/ready`: every dependency answered within the timeout.
 */
export async function startProbeServer(options: ProbeServerOptions): Promise<ProbeServer> {
  const { host = '0.0.0.0', port, checks, checkTimeoutMs = 2_000 } = options;
  let shuttingDown = false;

  const server: Server = createServer((req, res) => {
    const reply = (status: number, body: object) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    const path = req.url?.split('?')[0];
    if (req.method !== 'GET') return reply(405, { status: 'method not allowed' });
    if (path === '/live') return reply(200, { status: 'ok' });
    if (path !== '/ready') return reply(404, { status: 'not found' });
    if (shuttingDown) return reply(503, { status: 'shutting down' });
    runChecks(checks, checkTimeoutMs).then(
      (results) => reply(Object.values(results).every((r) => r === 'ok') ? 200 : 503, { status: results }),
      () => reply(503, { status: 'check failed' }),
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });

  return {
    port: (server.address() as AddressInfo).port,
    markShuttingDown: () => {
      shuttingDown = true;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function runChecks(
  checks: Readonly<Record<string, ReadinessCheck>>,
  timeoutMs: number,
): Promise<Record<string, string>> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        await withTimeout(check(), timeoutMs);
        return [name, 'ok'] as const;
      } catch (error) {
        return [name, (error as Error).message || 'failed'] as const;
      }
    }),
  );
  return Object.fromEntries(entries);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
