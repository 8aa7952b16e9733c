import type { GrpcMetrics } from '@cqrs-products/metrics';
import {
  Server,
  ServerCredentials,
  ServerInterceptingCall,
  type ServerInterceptor,
  status,
} from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import { reflectionDefinition } from './reflection.js';

export interface GrpcServerOptions {
  readonly host: string;
  readonly port: number;
  /** Adds the service implementations to the server. */
  readonly register: (server: Server) => void;
  /** Fully qualified service names reported by the health service (plus '' for the whole server). */
  readonly services: readonly string[];
  /** Enables server reflection (grpcurl, Postman) for these definitions. */
  readonly reflection?: PackageDefinition;
  /** Records the duration and status of every call (packages/metrics `grpcMetrics`). */
  readonly metrics?: GrpcMetrics;
}

export interface GrpcServer {
  readonly port: number;
  readonly server: Server;
  /** Stops accepting calls, lets running calls finish for up to `graceMs`, then cancels them. */
  stop(graceMs?: number): Promise<void>;
}

/** A gRPC server with the standard health service (SERVING while up) and optional reflection. */
export async function startGrpcServer(options: GrpcServerOptions): Promise<GrpcServer> {
  const server = new Server({
    'grpc.keepalive_permit_without_calls': 1,
    interceptors: options.metrics ? [timingInterceptor(options.metrics)] : [],
  });
  options.register(server);

  const health = new HealthImplementation(
    Object.fromEntries(['', ...options.services].map((name) => [name, 'SERVING' as const])),
  );
  health.addToServer(server);
  if (options.reflection)
    new ReflectionService(reflectionDefinition([options.reflection])).addToServer(server);

  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${options.host}:${options.port}`, ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });

  return {
    port,
    server,
    stop: async (graceMs = 10_000) => {
      for (const name of ['', ...options.services]) health.setStatus(name, 'NOT_SERVING');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}

/** Times every call from arrival to its status, labelled by method and gRPC status name. */
function timingInterceptor(metrics: GrpcMetrics): ServerInterceptor {
  return (method, call) => {
    const started = process.hrtime.bigint();
    return new ServerInterceptingCall(call, {
      sendStatus: (sent, next) => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        metrics.callDuration.observe(
          { rpc_method: method.path, rpc_grpc_status_code: status[sent.code] ?? String(sent.code) },
          seconds,
        );
        next(sent);
      },
    });
  };
}
