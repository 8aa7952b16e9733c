import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * One registry per service (no prom-client global), with the process metrics Node exposes by
 * default and the service name on every series, so dashboards can tell services apart even
 * when scraped through one job.
 */
export function createRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  // prom-client names these gauges *_total, which Prometheus reserves for counters (promtool
  // rejects them); the per-type gauges nodejs_active_handles/requests/resources remain.
  for (const name of [
    'nodejs_active_handles_total',
    'nodejs_active_requests_total',
    'nodejs_active_resources_total',
  ]) {
    registry.removeSingleMetric(name);
  }
  return registry;
}
