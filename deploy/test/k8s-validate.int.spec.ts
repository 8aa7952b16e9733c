import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTools, k8sDir, render, type Tools, validate } from './k8s-render.js';

/**
 * The manifest tests are only as good as the validator under them: each broken manifest here must
 * be refused, naming the object and the mistake, or strict decoding would be a silent no-op.
 */
const typoOverlay = fileURLToPath(new URL('./fixtures/typo', import.meta.url));

let tools: Tools;
let local: string;
beforeAll(() => {
  tools = buildTools();
  local = render(tools, `${k8sDir}overlays/local`);
}, 300_000);

describe('deploy/k8s/validate', () => {
  it('accepts the local overlay as rendered (the control for every case below)', () => {
    const result = validate(tools, local);
    expect(result.ok ? result.objects.length : result.errors).toBeGreaterThan(20);
  });

  it('refuses a misspelled field that kustomize renders without complaint', () => {
    const yaml = render(tools, typoOverlay);
    expect(yaml).toContain('readinesProbe:');
    const result = validate(tools, yaml);
    expect(result.ok).toBe(false);
    expect(result.ok || result.errors).toMatch(/Deployment "api-gateway".*unknown field "readinesProbe"/);
  });

  it.each([
    {
      mistake: 'an unknown field',
      from: '  revisionHistoryLimit: 5\n',
      to: '  revisionHistoryLimits: 5\n',
      error: /Deployment "api-gateway".*unknown field "revisionHistoryLimits"/,
    },
    {
      mistake: 'a value of the wrong type',
      from: 'containerPort: 5001\n',
      to: 'containerPort: "5001"\n',
      error: /Deployment "api-gateway".*cannot unmarshal string.*containerPort/,
    },
    {
      mistake: 'a key given twice',
      from: '  revisionHistoryLimit: 5\n',
      to: '  revisionHistoryLimit: 5\n  revisionHistoryLimit: 6\n',
      error: /revisionHistoryLimit.*already set/,
    },
    {
      mistake: 'a quantity that is not one',
      from: 'memory: 512Mi\n',
      to: 'memory: 512MB\n',
      error: /Deployment "\S+".*quantities must match/,
    },
    {
      mistake: 'an unknown kind',
      from: 'kind: HorizontalPodAutoscaler\n',
      to: 'kind: HorizontalPodAutoScaler\n',
      error: /autoscaling\/v2 HorizontalPodAutoScaler "api-gateway": unknown kind/,
    },
  ])('refuses $mistake', ({ from, to, error }) => {
    expect(local).toContain(from);
    const result = validate(tools, local.replace(from, to));
    expect(result.ok).toBe(false);
    expect(result.ok || result.errors).toMatch(error);
  });
});
