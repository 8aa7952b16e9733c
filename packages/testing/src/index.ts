export { type Endpoints, testEndpoints, uniqueName } from './endpoints.js';
export { createTestDatabase, migrationsDir, type TestDatabase } from './postgres.js';
export { serverChecks, unreachableServers } from './servers.js';
export { runServiceMainToExit } from './service-process.js';
