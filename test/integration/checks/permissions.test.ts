/**
 * Permissions against the sandbox: the admin context has everything apply needs; the read-only context
 * (`sandbox-readonly`: get/list/watch only) is reported in one blocker that lists what is missing, while the
 * inventory (all reads) still works with it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../../src/cluster/index.js';
import { raw } from '../../helpers/sandbox.js';
import { ids, preflight, startEnv, withId, type Env } from './helpers.js';

const REVIEW = {
  apiVersion: 'authorization.k8s.io/v1',
  kind: 'SelfSubjectAccessReview',
  spec: { resourceAttributes: { verb: 'list', resource: 'nodes' } },
};

describe('permissions', () => {
  let env: Env;
  /**
   * Real clusters let every authenticated user create SelfSubjectAccessReviews (system:basic-user); a sandbox
   * that refuses them to its read-only user makes every permission unverifiable, which is reported as such.
   */
  let reviewsRefused = false;
  beforeAll(async () => {
    env = await startEnv({ controlPlanes: 1, pools: [{ name: 'blue', count: 2 }], workload: { kind: 'none' } });
    const r = await raw(env.t, '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      method: 'POST',
      body: REVIEW,
      token: env.t.sandbox.readonlyToken,
    });
    reviewsRefused = r.status === 403;
  });
  afterAll(() => env?.t.stop());

  it('has nothing to report for the admin user', async () => {
    expect(ids(await preflight(env, { target: 'v1.32.0' }))).not.toContain('permissions-missing');
  });

  it('lists what the read-only user may not do', async () => {
    const readonly = connect({ kubeconfig: env.t.kubeconfigPath, context: 'sandbox-readonly' });
    const findings = await preflight(env, { target: 'v1.32.0', client: readonly });
    const [f, ...rest] = withId(findings, 'permissions-missing');
    expect(rest).toEqual([]);
    expect(f?.severity).toBe('blocker');
    const missing = f?.objects.map((o) => o.name) ?? [];
    expect(missing).toEqual(
      expect.arrayContaining([
        'patch nodes',
        'delete pods',
        'create pods/eviction',
        'update leases.coordination.k8s.io in kube-system',
        'create configmaps in kube-system',
      ]),
    );
    if (reviewsRefused) {
      expect(f?.message).toContain('could not confirm');
    } else {
      expect(f?.message).toContain('lacks');
      expect(missing).not.toContain('list nodes');
    }
  });
});
