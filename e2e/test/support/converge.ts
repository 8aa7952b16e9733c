import type { PipelineCheck } from './pipeline-state.js';

/**
 * Checks until the stores agree or the time is up; the last check either way (its numbers go
 * into the fault table, its problems into the failure message).
 */
export async function converge(
  timeoutMs: number,
  check: () => Promise<PipelineCheck>,
): Promise<{ check: PipelineCheck; convergedAt: number | null }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result.problems.length === 0) return { check: result, convergedAt: Date.now() };
    if (Date.now() > deadline) return { check: result, convergedAt: null };
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
