export { type GrpcServer, type GrpcServerOptions, startGrpcServer } from './server.js';
export { type GrpcError, toGrpcError, type UnaryLog, unary } from './unary.js';
