/**
 * The RBAC that `k8s-upgrade rbac` prints covers every request a real plan and apply make: the sandbox counts
 * each request by verb, group and resource (as kube-apiserver's `apiserver_request_total` does), and each one a
 * run made must be allowed by the printed ClusterRole and Role — so the permission list cannot fall behind the
 * code. Self access reviews are left out: every authenticated user may create them (system:basic-user).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { rbacManifests, rulesAllow, type PolicyRule } from '../../../src/upgrade/rbac/index.js';
import { remediateDemo } from '../../../src/sandbox/index.js';
import { startTestSandbox, type TestSandbox } from '../../helpers/sandbox.js';
import { runApply, waitSettled, writePlan } from './apply-helpers.js';

let t: TestSandbox;
beforeAll(async () => {
  t = await startTestSandbox({ version: 'v1.31.4', controlPlanes: 1 });
  await waitSettled(t);
  remediateDemo(t.sandbox.cluster);
  await waitSettled(t);
}, 120_000);
afterAll(() => t?.stop());

interface Req {
  verb: string;
  group: string;
  resource: string;
}

function requestsMade(): Req[] {
  const out: Req[] = [];
  for (const line of t.sandbox.server.metrics.render().split('\n')) {
    const m = /^apiserver_request_total\{(.*)\} \d+$/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    out.push({ verb: labels.verb!.toLowerCase(), group: labels.group ?? '', resource: labels.resource! });
  }
  return out;
}

const rulesOf = (planOnly: boolean): PolicyRule[] =>
  rbacManifests({ name: 'k8s-upgrade', subject: { kind: 'User', name: 'ci' }, planOnly }).flatMap(
    (d) => (d.rules as PolicyRule[] | undefined) ?? [],
  );

const uncovered = (reqs: Req[], rules: PolicyRule[]) =>
  [
    ...new Set(
      reqs
        .filter((r) => r.resource !== 'selfsubjectaccessreviews')
        .filter((r) => !rulesAllow(rules, r.verb, r.group, r.resource))
        .map((r) => `${r.verb} ${r.group || 'core'}/${r.resource}`),
    ),
  ].sort();

it('the plan-only role covers every request plan makes, and the full role every request of plan + apply', async () => {
  t.sandbox.server.metrics.reset();
  const { path } = await writePlan(t, { workers: ['pool=blue', 'pool=green'], forceUnmanaged: true });
  const planned = requestsMade();
  expect(planned.length).toBeGreaterThan(10);
  expect(uncovered(planned, rulesOf(true))).toEqual([]);

  const { summary } = await runApply(t, path);
  expect(summary.outcome, JSON.stringify(summary.stoppedBy)).toBe('done');
  const all = requestsMade();
  // Not vacuous: the run cordoned, evicted and held the lock.
  const made = new Set(all.map((r) => `${r.verb} ${r.resource}`));
  for (const k of ['patch nodes', 'create pods/eviction', 'create leases', 'list pods']) expect(made).toContain(k);
  expect(uncovered(all, rulesOf(false))).toEqual([]);
  // The plan-only role is really read-only.
  for (const r of rulesOf(true)) expect(r.verbs.filter((v) => !['get', 'list', 'watch'].includes(v))).toEqual([]);
});
