/**
 * The human summary of a plan (golden files under test/golden/, regenerate with
 * `npx vitest run --project unit test/unit/render -u`) and the machine-readable `-o json|yaml` output.
 */
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { renderPlanJson, renderPlanSummary, renderPlanYaml } from '../../../src/cli/render/index.js';
import { PLAN_KEYS, parsePlan, serializePlan, type UpgradePlan } from '../../../src/plan/index.js';
import { blockedPlan, buildPlan, examplePlans, safePlan, sandboxNodes } from '../plan-file/plan-builder.js';

const golden = (name: string) => `../../golden/${name}`;

/** A 40-node pool: batch sizes are run-length encoded. */
const bigPlan = (): UpgradePlan =>
  buildPlan({
    context: 'big',
    nodes: sandboxNodes('v1.31.4', 3, { blue: 40 }),
    target: 'v1.31.6',
    groups: [{ selector: 'pool=blue', maxUnavailable: '5%' }],
    canary: 1,
  });

/** Every node already at the target. */
const noopPlan = (): UpgradePlan =>
  buildPlan({
    context: 'sandbox',
    nodes: sandboxNodes('v1.32.0'),
    target: 'v1.32.0',
    groups: ['pool=blue', 'pool=green'],
  });

describe('renderPlanSummary golden files', () => {
  it.each([
    { file: 'plan-summary-blockers.txt', plan: blockedPlan, planPath: undefined },
    { file: 'plan-summary-safe.txt', plan: safePlan, planPath: 'plans/sandbox-v1.31.4-to-v1.32.0.yaml' },
    {
      file: 'plan-summary-ssh-example.txt',
      plan: () => examplePlans()['kubeadm-ssh-driver.yaml']!,
      planPath: 'plans/examples/kubeadm-ssh-driver.yaml',
    },
    { file: 'plan-summary-many-batches.txt', plan: bigPlan, planPath: 'my plans/big.yaml' },
    { file: 'plan-summary-nothing-to-do.txt', plan: noopPlan, planPath: undefined },
  ])('$file', async ({ file, plan, planPath }) => {
    await expect(renderPlanSummary(plan(), planPath === undefined ? {} : { planPath })).toMatchFileSnapshot(
      golden(file),
    );
  });
});

describe('renderPlanSummary', () => {
  it('ends with the exact apply command when safe', () => {
    const lines = renderPlanSummary(safePlan(), { planPath: 'plans/x.yaml' }).trimEnd().split('\n');
    expect(lines.at(-1)).toBe('Safe to apply. Next: k8s-upgrade apply plans/x.yaml');
  });

  it('says safe only with --skip-etcd-snapshot when a control-plane change has no snapshot (what apply accepts)', () => {
    const plan = safePlan();
    plan.options.etcdSnapshot = { mode: 'none', perHop: false, endpoints: [] } as typeof plan.options.etcdSnapshot;
    expect(plan.controlPlane.hops.length).toBeGreaterThan(0);
    const last = renderPlanSummary(plan, { planPath: 'plans/x.yaml' }).trimEnd().split('\n').at(-1)!;
    expect(last).toMatch(/^Safe to apply only with --skip-etcd-snapshot: /);
    expect(last).toMatch(/k8s-upgrade apply plans\/x\.yaml --skip-etcd-snapshot$/);
  });

  it('says only that nothing is to do when every node is at the target', () => {
    const last = renderPlanSummary(noopPlan()).trimEnd().split('\n').at(-1)!;
    expect(last).toMatch(/^Nothing to do: every node is already at v\d+\.\d+\.\d+; there is nothing to apply\.$/);
    expect(renderPlanSummary(noopPlan())).not.toContain('Safe to apply');
  });

  it('defaults the plan path to plans/<name>.yaml and quotes paths that need it', () => {
    expect(renderPlanSummary(safePlan())).toContain('k8s-upgrade apply plans/sandbox-v1.31.4-to-v1.32.0.yaml');
    expect(renderPlanSummary(safePlan(), { planPath: "my plans/it's.yaml" })).toContain(
      `k8s-upgrade apply 'my plans/it'\\''s.yaml'`,
    );
  });

  it('names the blockers to fix or waive when not safe', () => {
    const last = renderPlanSummary(blockedPlan()).trimEnd().split('\n').at(-1) ?? '';
    expect(last).toMatch(/^Not safe to apply: 2 blockers\./);
    expect(last).toContain('--ignore-check ID (pdb-never-allows-eviction, removed-api-in-use)');
    expect(last).not.toContain('unreplicated-pods');
  });

  it('lists at most five objects per finding, then how many more', () => {
    const text = renderPlanSummary(blockedPlan());
    expect(text).toContain('PodDisruptionBudget billing/pdb-5');
    expect(text).not.toContain('pdb-6');
    expect(text).toContain('… and 2 more');
  });

  it('has no escape codes unless colour is asked for', () => {
    expect(renderPlanSummary(blockedPlan())).not.toContain('\u001b[');
    const coloured = renderPlanSummary(blockedPlan(), { color: true });
    expect(coloured).toContain('\u001b[31m');
    expect(coloured.replace(new RegExp(`${String.fromCharCode(27)}\\[\\d+m`, 'g'), '')).toBe(
      renderPlanSummary(blockedPlan()),
    );
  });

  it('is deterministic', () => {
    expect(renderPlanSummary(blockedPlan())).toBe(renderPlanSummary(blockedPlan()));
  });
});

describe('-o json / -o yaml', () => {
  it('json is the plan document, in file key order, with its hash', () => {
    const plan = safePlan();
    const json = renderPlanJson(plan);
    const doc = JSON.parse(json) as UpgradePlan;
    expect(doc).toEqual(plan);
    expect(Object.keys(doc)).toEqual([...PLAN_KEYS]);
    expect(json.endsWith('}\n')).toBe(true);
    // The JSON is a valid plan file too (JSON is YAML).
    expect(parsePlan(json)).toEqual(plan);
  });

  it('json has the fields CI relies on', () => {
    const doc = JSON.parse(renderPlanJson(blockedPlan())) as Record<string, unknown> & UpgradePlan;
    expect(doc.cluster.server).toBe('https://10.0.0.10:6443');
    expect(doc.from).toBe('v1.30.6');
    expect(doc.to).toBe('v1.32.0');
    expect(doc.controlPlane.hops.map((h) => h.to)).toEqual(['v1.31.4', 'v1.32.0']);
    expect(doc.workers.hops.map((h) => [h.to, h.reason])).toEqual([
      ['v1.31.4', 'skew'],
      ['v1.32.0', 'target'],
    ]);
    expect(doc.groups[0]).toMatchObject({
      selector: 'pool=blue',
      maxUnavailable: 2,
      batches: [
        ['blue-1', 'blue-2'],
        ['blue-3', 'blue-4'],
      ],
    });
    expect(doc.findings[0]).toEqual(
      expect.objectContaining({
        id: 'pdb-never-allows-eviction',
        severity: 'blocker',
        waived: false,
        objects: expect.any(Array),
        message: expect.any(String),
      }),
    );
    expect(doc.summary).toEqual({ blockers: 2, warnings: 1, infos: 1, nodesToUpgrade: 10, safe: false });
  });

  it('json golden file (the documented shape)', async () => {
    await expect(renderPlanJson(safePlan())).toMatchFileSnapshot(golden('plan-output-safe.json'));
  });

  it('yaml is exactly the plan file', () => {
    const plan = blockedPlan();
    expect(renderPlanYaml(plan)).toBe(serializePlan(plan));
    expect(YAML.parse(renderPlanYaml(plan))).toEqual(JSON.parse(renderPlanJson(plan)));
  });
});
