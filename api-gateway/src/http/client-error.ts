import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { parserClientError } from './framework-errors.js';
import { problemContentType, problemOf } from './problem.js';

interface TraceLog {
  trace(obj: object, msg: string): void;
}

/**
 * Fastify's `clientErrorHandler`: a request Node's parser refused (an unknown method, oversized
 * headers, broken framing) never reaches the router, so its answer is written to the socket here,
 * as problem+json like every other error. The connection is closed after it: the parser cannot
 * tell where the next request would start.
 */
export function answerClientError(log: TraceLog) {
  return (error: Error & { code?: string }, socket: Duplex): void => {
    // The peer went away: nobody to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    // Most are scanners or broken load balancers; not worth more than a trace line.
    log.trace({ err: error }, 'client error');
    if (!socket.writable) {
      socket.destroy(error);
      return;
    }
    const problem = problemOf(parserClientError(error));
    const body = JSON.stringify(problem);
    socket.end(
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\n` +
        `Content-Type: ${problemContentType}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  };
}
