import { expect } from 'vitest';
import type { PipelineCheck } from './pipeline-state.js';

/** Every accepted change took effect exactly once: nothing lost, duplicated or invented. */
export function expectEveryChangeOnce(check: PipelineCheck): void {
  expect({ lost: check.lost, duplicated: check.duplicated, invented: check.invented }).toEqual({
    lost: 0,
    duplicated: 0,
    invented: 0,
  });
}

/** Nothing left in flight: every event consumed and every outbox row published. */
export function expectDrained(check: PipelineCheck): void {
  expect(check.consumerLag).toBe(0);
  expect(check.outboxPending).toBe(0);
}
