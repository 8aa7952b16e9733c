import { Agent, request } from 'node:http';

export interface JsonAnswer {
  readonly status: number;
  /** The parsed body, or undefined when it was not JSON. */
  readonly body: unknown;
}

/**
 * A JSON client over a bounded pool of keep-alive connections, as a load balancer or a real
 * client pool has: requests beyond it wait in the client (and a latency counted from the
 * scheduled send shows it). Unbounded (fetch's default), an overloaded gateway made open-loop
 * load open a socket per waiting request until the process ran out of file descriptors (EMFILE),
 * which says nothing about the system under test.
 */
export function jsonClient({ maxSockets }: { maxSockets: number }) {
  const agent = new Agent({ keepAlive: true, maxSockets });
  return (url: string, method: string, payload: unknown): Promise<JsonAnswer> => {
    const data = JSON.stringify(payload);
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method,
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            let body: unknown;
            try {
              body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            } catch {
              body = undefined;
            }
            resolve({ status: res.statusCode ?? 0, body });
          });
        },
      );
      req.on('error', reject);
      req.end(data);
    });
  };
}
