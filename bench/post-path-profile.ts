import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { round } from './stats.js';

/**
 * Reads a V8 `.cpuprofile` (written by `node --cpu-prof`) and says where the busy time went,
 * within a window of the run only (start-up and warm-up would otherwise blur the shares): the
 * share of busy samples whose stack holds each package (inclusive) and the top self frames.
 */

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileSummary {
  readonly busySamples: number;
  /** Share of all samples in the window that were idle (the process waited for I/O). */
  readonly idleShare: number;
  /** Package (or area) -> share of busy samples whose stack contains it. */
  readonly inclusive: Record<string, number>;
  readonly topSelf: readonly { readonly frame: string; readonly share: number }[];
}

const idleFrames = new Set(['(idle)', '(program)']);

/** Which package or area of ours a frame belongs to, by its script URL. */
export function areaOf(url: string, functionName: string): string {
  if (functionName === '(garbage collector)') return 'GC';
  if (!url) return 'node (native)';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const [scope = '', name = ''] = url.slice(modules + 14).split('/');
    return scope.startsWith('@') ? `${scope}/${name}` : scope;
  }
  const ours = url.match(/\/(packages\/[^/]+|api-gateway|bench)\/(?:dist|src)?\/?(.*)$/);
  if (ours) return ours[1] === 'api-gateway' ? `api-gateway/${ours[2]?.split('/')[0]}` : `${ours[1]}`;
  return 'other';
}

export function summariseProfile(
  profile: CpuProfile,
  window: { readonly fromUs: number; readonly toUs: number },
  top = 25,
): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const areasOf = new Map<number, Set<string>>();
  const areas = (id: number): Set<string> => {
    const known = areasOf.get(id);
    if (known) return known;
    const node = byId.get(id);
    const up = parent.get(id);
    const set = new Set(up === undefined ? [] : areas(up));
    if (node && node.callFrame.functionName !== '(root)')
      set.add(areaOf(node.callFrame.url, node.callFrame.functionName));
    areasOf.set(id, set);
    return set;
  };

  let at = profile.startTime;
  let busy = 0;
  let idle = 0;
  const inclusive = new Map<string, number>();
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at < window.fromUs || at > window.toUs) return;
    const node = byId.get(id);
    if (!node) return;
    const { functionName, url, lineNumber } = node.callFrame;
    if (idleFrames.has(functionName)) {
      idle++;
      return;
    }
    busy++;
    for (const area of areas(id)) inclusive.set(area, (inclusive.get(area) ?? 0) + 1);
    const frame = `${functionName || '(anonymous)'} ${areaOf(url, functionName)}:${lineNumber + 1}`;
    self.set(frame, (self.get(frame) ?? 0) + 1);
  });
  const share = (n: number) => round((100 * n) / Math.max(busy, 1), 1);
  return {
    busySamples: busy,
    idleShare: round((100 * idle) / Math.max(busy + idle, 1), 1),
    inclusive: Object.fromEntries(
      [...inclusive].sort((a, b) => b[1] - a[1]).map(([area, n]) => [area, share(n)]),
    ),
    topSelf: [...self]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([frame, n]) => ({ frame, share: share(n) })),
  };
}

/** The one profile a process wrote into `dir` (each profiled process gets a directory of its own). */
export function readProfile(dir: string): CpuProfile {
  // The main thread's profile is the largest: the module loader hooks run on a thread of their own.
  const [file] = readdirSync(dir)
    .filter((name) => name.endsWith('.cpuprofile'))
    .sort((a, b) => statSync(join(dir, b)).size - statSync(join(dir, a)).size);
  if (!file) throw new Error(`no .cpuprofile in ${dir}`);
  return JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
}
