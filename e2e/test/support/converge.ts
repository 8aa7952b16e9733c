import type { PipelineCheck } from './pipeline-state.js';

/**
 * Checks until the stores agree or the time is up; the last check either way (its numbers go
 * into the fault table, its problems into the failure message). A store that cannot be read yet
 * (a server just restarted) is one more problem to wait out, not the end of the wait.
 */
export async function converge(
  timeoutMs: number,
  check: () => Promise<PipelineCheck>,
): Promise<{ check: PipelineCheck; convergedAt: number | null }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check().catch(unreadable);
    const clean =
      result.problems.length === 0 && result.lost === 0 && result.duplicated === 0 && result.invented === 0;
    if (clean) return { check: result, convergedAt: Date.now() };
    if (Date.now() > deadline) return { check: result, convergedAt: null };
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

const unreadable = (error: unknown): PipelineCheck => ({
  lost: 0,
  duplicated: 0,
  invented: 0,
  deadLettered: 0,
  outboxPending: 0,
  consumerLag: 0,
  cacheEntriesChecked: 0,
  problems: [`stores not readable: ${(error as Error).message}`],
});
