/**
 * Removed APIs against a 1.24 sandbox planned to 1.25 (policy/v1beta1 and batch/v1beta1 go away): a
 * PodDisruptionBudget created through `/apis/policy/v1beta1` shows up in /metrics (live use) and in its
 * managedFields (stored), a Helm v3 release secret whose manifest uses policy/v1beta1 is decoded, a manifests
 * directory is scanned, and an unreadable /metrics is an `info`. Before any of that, none of them fires.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxAdminClient } from '../../../src/sandbox/index.js';
import { raw } from '../../helpers/sandbox.js';
import { ids, names, preflight, startEnv, withId, type Env } from './helpers.js';

const TARGET = 'v1.25.16';
const PDB_V1BETA1 = {
  apiVersion: 'policy/v1beta1',
  kind: 'PodDisruptionBudget',
  metadata: { name: 'legacy' },
  spec: { minAvailable: 1, selector: { matchLabels: { app: 'legacy' } } },
};
const MANIFEST = [
  '---',
  '# Source: shop/templates/pdb.yaml',
  'apiVersion: policy/v1beta1',
  'kind: PodDisruptionBudget',
  'metadata:',
  '  name: shop',
  'spec:',
  '  maxUnavailable: 1',
  '---',
  'apiVersion: batch/v1beta1',
  'kind: CronJob',
  'metadata:',
  '  name: report',
  '',
].join('\n');

describe('removed APIs (1.24 → 1.25)', () => {
  let env: Env;
  let dir: string;
  let before: string[];

  beforeAll(async () => {
    env = await startEnv({
      version: 'v1.24.17',
      controlPlanes: 1,
      pools: [{ name: 'blue', count: 2 }],
      workload: { kind: 'none' },
    });
    dir = mkdtempSync(join(tmpdir(), 'manifests-'));
    mkdirSync(join(dir, 'base'));
    writeFileSync(
      join(dir, 'base', 'ok.yaml'),
      'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: fine\n',
    );
    before = ids(await preflight(env, { target: TARGET, manifestsDir: dir }));

    const created = await raw(env.t, '/apis/policy/v1beta1/namespaces/default/poddisruptionbudgets', {
      method: 'POST',
      body: PDB_V1BETA1,
    });
    expect(created.status).toBe(201);
    const release = {
      name: 'shop',
      namespace: 'default',
      version: 4,
      info: { status: 'deployed' },
      chart: { metadata: { name: 'shop', version: '0.3.0' } },
      manifest: MANIFEST,
    };
    const stored = gzipSync(Buffer.from(JSON.stringify(release))).toString('base64');
    await env.core.createNamespacedSecret({
      namespace: 'default',
      body: {
        metadata: {
          name: 'sh.helm.release.v1.shop.v4',
          labels: { owner: 'helm', name: 'shop', version: '4', status: 'deployed' },
        },
        type: 'helm.sh/release.v1',
        data: { release: Buffer.from(stored).toString('base64') },
      },
    });
    mkdirSync(join(dir, 'apps', 'shop'), { recursive: true });
    writeFileSync(join(dir, 'apps', 'shop', 'all.yml'), MANIFEST);
  });
  afterAll(async () => {
    await env?.t.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('finds nothing before any removed API is used', () => {
    expect(before.filter((id) => id.startsWith('removed-api'))).toEqual([]);
  });

  it('reports each source with the object, the API, the release that removes it and the replacement', async () => {
    const findings = await preflight(env, { target: TARGET, manifestsDir: dir });
    expect(ids(findings)).toEqual(
      expect.arrayContaining(['removed-api-in-use', 'removed-api-stored', 'removed-api-helm', 'removed-api-manifest']),
    );

    const live = withId(findings, 'removed-api-in-use');
    expect(live).toHaveLength(1);
    expect(live[0]!.message).toContain('policy/v1beta1 PodDisruptionBudget is removed in 1.25');
    expect(live[0]!.remediation).toContain('policy/v1 PodDisruptionBudget');

    const stored = withId(findings, 'removed-api-stored')[0];
    expect(stored?.severity).toBe('warning');
    expect(names(stored)).toEqual(['default/legacy']);
    expect(stored?.objects[0]?.detail).toContain('wrote through policy/v1beta1');

    const helm = withId(findings, 'removed-api-helm');
    expect(helm.map((f) => f.message.split(' is ')[0])).toEqual([
      'batch/v1beta1 CronJob',
      'policy/v1beta1 PodDisruptionBudget',
    ]);
    expect(helm[1]!.objects).toEqual([
      {
        kind: 'HelmRelease',
        name: 'shop',
        namespace: 'default',
        detail: 'revision 4 (shop-0.3.0): PodDisruptionBudget shop as policy/v1beta1',
      },
    ]);

    const files = withId(findings, 'removed-api-manifest').flatMap((f) =>
      f.objects.map((o) => `${o.name} ${o.detail}`),
    );
    expect(files).toEqual([
      'apps/shop/all.yml document 2: CronJob report as batch/v1beta1',
      'apps/shop/all.yml document 1: PodDisruptionBudget shop as policy/v1beta1',
    ]);
  });

  it('reports an unreadable /metrics as info, not as a failure', async () => {
    const admin = SandboxAdminClient.fromKubeconfig(env.t.kubeconfigPath);
    await admin.addFault({ type: 'api-errors', rate: 1, code: 503, pathPrefix: '/metrics' });
    try {
      const findings = await preflight(env, { target: TARGET });
      expect(withId(findings, 'removed-api-in-use')).toEqual([]);
      const [info] = withId(findings, 'removed-api-source-unavailable');
      expect(info?.severity).toBe('info');
      expect(info?.message).toContain('HTTP 503');
    } finally {
      await admin.clearFaults();
    }
  });
});
