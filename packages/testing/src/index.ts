export { type CleanupReport, cleanupRun } from './cleanup.js';
export {
  type Endpoints,
  infraHome,
  infraPortOffset,
  readInfraEnvFile,
  testEndpoints,
  uniqueName,
} from './endpoints.js';
export { type FollowOptions, followOutput } from './follow-output.js';
export { forbiddenImports, importCycles, readSources, type SourceFile } from './imports.js';
export { assertControlsTestedServer, type InfraServer, startServer, stopServer } from './infra-control.js';
export { type JsonAnswer, jsonClient } from './json-client.js';
export { type CollectedMessage, type Collector, collectMessages } from './kafka-collector.js';
export { endOffsets, untilCollectedToEnd, untilGroupCommittedToEnd } from './kafka-offsets.js';
export { type LossyNetwork, lossyNetwork } from './lossy-network.js';
export { eventually, type PollOptions, until } from './polling.js';
export {
  createTestDatabase,
  databaseUrl,
  migrationsDir,
  type TestDatabase,
  withPostgresClient,
} from './postgres.js';
export { serverChecks, unreachableServers } from './servers.js';
export {
  freePort,
  runServiceMainToExit,
  type ServiceProcess,
  spawnProcess,
  startServiceProcess,
} from './service-process.js';
export {
  type ServiceInstance,
  type ServiceName,
  type Stack,
  type StackOptions,
  startStack,
} from './stack.js';
export { unitTestsRunningProcesses } from './test-tiers.js';
