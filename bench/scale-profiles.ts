import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readProfile, summariseProfile } from './post-path-profile.js';
import { log } from './results.js';
import type { RunReport } from './scale-run.js';

/** The scale mode's --cpu-prof: the three services profiled over a run's climb. */

export const profiledServices = ['api-gateway', 'writer-service', 'reader-service'] as const;
export const nowUs = () => Number(process.hrtime.bigint() / 1000n);

/** Reads the profiles the stopped services wrote, summarised over the climb. */
export function withProfiles(
  report: RunReport,
  dir: string | undefined,
  climb: { fromUs: number; toUs: number } | undefined,
): RunReport {
  if (!dir || !climb) return report;
  const services = Object.fromEntries(
    profiledServices.map((service) => [service, summariseProfile(readProfile(join(dir, service)), climb)]),
  );
  log(
    `profiles in ${dir}: ${JSON.stringify(Object.fromEntries(Object.entries(services).map(([k, v]) => [k, v.topSelf.slice(0, 8)])))}`,
  );
  return { ...report, profiles: { dir, services } };
}

/** A profile directory per service and the Node flags that write there, or nothing without --cpu-prof. */
export function profileArgs(cpuProf: boolean) {
  const dir = cpuProf ? mkdtempSync(join(tmpdir(), 'scale-')) : undefined;
  const nodeArgs = dir
    ? Object.fromEntries(
        profiledServices.map((service) => [service, ['--cpu-prof', `--cpu-prof-dir=${join(dir, service)}`]]),
      )
    : undefined;
  return { dir, nodeArgs };
}
