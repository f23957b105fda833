/**
 * Removed-API detection from its four sources: the deprecated-API gauge on /metrics, stored objects'
 * managedFields and last-applied annotation, Helm v3 release secrets (decoded from a real gzip'd record built
 * here), and manifest files in a temp directory.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import type { ClusterReads, SecretInfo } from '../../../src/cluster/index.js';
import { fakeClient } from '../../helpers/fake-client.js';
import {
  decodeHelmRelease,
  listManifestFiles,
  parseDeprecatedApiMetrics,
  scanManifestText,
} from '../../../src/checks/index.js';
import { checkRemovedApisHelm } from '../../../src/checks/helm.js';
import { checkRemovedApisManifests } from '../../../src/checks/manifests.js';
import { pluralOf, removalOfResource } from '../../../src/checks/removed-apis-common.js';
import { checkRemovedApisInUse, liveHits } from '../../../src/checks/removed-apis-live.js';
import { checkRemovedApisStored, storedCollections, storedHits } from '../../../src/checks/removed-apis-stored.js';
import { context, inventory, node, staticPods } from './fixtures.js';

/** A 1.24 cluster planned to 1.25 (PodDisruptionBudget policy/v1beta1 goes away). */
const inv124 = inventory({
  serverVersion: 'v1.24.17',
  nodes: [node('cp-1', { controlPlane: true, kubeletVersion: 'v1.24.17' }), node('w1', { kubeletVersion: 'v1.24.17' })],
  components: staticPods('cp-1', 'v1.24.17'),
});
const stub = (methods: Partial<ClusterReads>) => fakeClient<ClusterReads>(methods);

const METRICS = [
  '# HELP apiserver_requested_deprecated_apis [STABLE] Gauge of deprecated APIs that have been requested',
  '# TYPE apiserver_requested_deprecated_apis gauge',
  'apiserver_requested_deprecated_apis{group="policy",removed_release="1.25",resource="poddisruptionbudgets",subresource="",version="v1beta1"} 1',
  'apiserver_requested_deprecated_apis{group="batch",removed_release="1.25",resource="cronjobs",subresource="",version="v1beta1"} 1',
  'apiserver_requested_deprecated_apis{group="flowcontrol.apiserver.k8s.io",removed_release="1.29",resource="flowschemas",subresource="",version="v1beta2"} 1',
  'apiserver_request_total{code="200",group="",resource="pods",verb="LIST",version="v1"} 12',
].join('\n');

describe('live usage (/metrics)', () => {
  it('parses the gauge and keeps what the hops remove', () => {
    const samples = parseDeprecatedApiMetrics(METRICS);
    expect(samples).toHaveLength(3);
    expect(samples[0]).toEqual({
      group: 'policy',
      version: 'v1beta1',
      resource: 'poddisruptionbudgets',
      subresource: '',
      removedRelease: '1.25',
    });
    expect(liveHits(samples, { from: 24, to: 25 }).map((h) => `${h.api.groupVersion} ${h.kind}`)).toEqual([
      'policy/v1beta1 PodDisruptionBudget',
      'batch/v1beta1 CronJob',
    ]);
    expect(liveHits(samples, { from: 25, to: 29 }).map((h) => h.kind)).toEqual(['FlowSchema']);
  });

  it('reports one blocker per API with the replacement', async () => {
    const findings = await checkRemovedApisInUse(
      context(inv124, { target: 'v1.25.16', client: stub({ rawGet: async () => ({ status: 200, body: METRICS }) }) }),
    );
    expect(findings.map((f) => [f.id, f.severity])).toEqual([
      ['removed-api-in-use', 'blocker'],
      ['removed-api-in-use', 'blocker'],
    ]);
    const f = findings.find((x) => x.message.includes('PodDisruptionBudget'))!;
    expect(f.message).toContain('removed in 1.25');
    expect(f.remediation).toContain(
      'policy/v1beta1 PodDisruptionBudget → policy/v1 PodDisruptionBudget (served since 1.21)',
    );
  });

  it('turns an unreadable /metrics into an info finding', async () => {
    for (const client of [
      stub({ rawGet: async () => ({ status: 403, body: 'forbidden' }) }),
      stub({ rawGet: async () => Promise.reject(new Error('socket hang up')) }),
    ]) {
      const findings = await checkRemovedApisInUse(context(inv124, { target: 'v1.25.16', client }));
      expect(findings).toMatchObject([{ id: 'removed-api-source-unavailable', severity: 'info' }]);
    }
  });
});

describe('stored objects', () => {
  it('lists one collection per removed kind, through an API served today', () => {
    const paths = storedCollections({ from: 24, to: 25 }).map((c) => c.path);
    expect(paths).toContain('/apis/policy/v1/poddisruptionbudgets');
    expect(paths).toContain('/apis/batch/v1/cronjobs');
    expect(paths).toContain('/apis/policy/v1beta1/podsecuritypolicies');
    expect(paths.some((p) => p.includes('events'))).toBe(false);
    expect(pluralOf('NetworkPolicy')).toBe('networkpolicies');
    expect(pluralOf('Ingress')).toBe('ingresses');
    expect(removalOfResource('policy', 'v1beta1', 'poddisruptionbudgets')?.kind).toBe('PodDisruptionBudget');
  });

  it('finds managedFields and last-applied uses of the removed version', () => {
    const c = storedCollections({ from: 24, to: 25 }).find((x) => x.kind === 'PodDisruptionBudget')!;
    const hits = storedHits(c, [
      {
        namespace: 'a',
        name: 'old',
        managedFields: [{ manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'policy/v1beta1' }],
        lastAppliedApiVersion: 'policy/v1beta1',
      },
      {
        namespace: 'a',
        name: 'new',
        managedFields: [{ manager: 'kubectl', operation: 'Apply', apiVersion: 'policy/v1' }],
      },
    ]);
    expect(hits.map((h) => h.object.name)).toEqual(['old']);
    expect(hits[0]!.object.detail).toContain('"kubectl-client-side-apply" (Update) wrote through policy/v1beta1');
    expect(hits[0]!.object.detail).toContain('last-applied-configuration');
  });

  it('reports a warning per API and an info for collections it may not list', async () => {
    const client = stub({
      listObjectMeta: async (path: string) => {
        if (path.includes('cronjobs')) throw new Error('HTTP 403');
        if (path.includes('poddisruptionbudgets'))
          return [
            {
              namespace: 'a',
              name: 'old',
              managedFields: [{ manager: 'ci', operation: 'Update', apiVersion: 'policy/v1beta1' }],
            },
          ];
        return undefined;
      },
    });
    const findings = await checkRemovedApisStored(context(inv124, { target: 'v1.25.16', client }));
    expect(findings.map((f) => [f.id, f.severity])).toEqual([
      ['removed-api-stored', 'warning'],
      ['removed-api-source-unavailable', 'info'],
    ]);
    expect(findings[0]!.objects).toEqual([
      { kind: 'PodDisruptionBudget', namespace: 'a', name: 'old', detail: expect.stringContaining('"ci"') },
    ]);
  });
});

/** A Helm v3 release secret exactly as Helm writes it: data.release = base64(base64(gzip(JSON))). */
const helmSecret = (name: string, version: number, manifest: string): SecretInfo => {
  const json = JSON.stringify({
    name,
    namespace: 'shop',
    version,
    info: { status: 'deployed' },
    chart: { metadata: { name, version: '1.2.3' } },
    manifest,
  });
  const stored = gzipSync(Buffer.from(json)).toString('base64');
  return {
    namespace: 'shop',
    name: `sh.helm.release.v1.${name}.v${version}`,
    type: 'helm.sh/release.v1',
    labels: { owner: 'helm', name, version: String(version), status: 'deployed' },
    data: { release: Buffer.from(stored).toString('base64') },
  };
};
const PDB_V1BETA1 =
  '---\n# Source: web/templates/pdb.yaml\napiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n  minAvailable: 1\n';
const DEPLOYMENT =
  '---\n# Source: web/templates/deploy.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n';

describe('Helm releases', () => {
  it("decodes a gzip'd release record", () => {
    const r = decodeHelmRelease(helmSecret('web', 3, PDB_V1BETA1).data.release!);
    expect(r).toMatchObject({ name: 'web', namespace: 'shop', version: 3, status: 'deployed', chart: 'web-1.2.3' });
    expect(r.manifest).toContain('policy/v1beta1');
  });

  it('checks only the newest revision of each release', async () => {
    const secrets = [
      helmSecret('web', 1, PDB_V1BETA1),
      helmSecret('web', 2, PDB_V1BETA1 + DEPLOYMENT),
      helmSecret('api', 1, DEPLOYMENT),
      helmSecret('old', 2, DEPLOYMENT),
      helmSecret('old', 1, PDB_V1BETA1),
    ];
    const client = stub({
      forEachSecret: async (_sel: string, visit: (s: SecretInfo) => void) => secrets.forEach(visit),
    });
    const findings = await checkRemovedApisHelm(context(inv124, { target: 'v1.25.16', client }));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      id: 'removed-api-helm',
      severity: 'blocker',
      objects: [{ kind: 'HelmRelease', name: 'web', namespace: 'shop', detail: expect.stringContaining('revision 2') }],
    });
    expect(findings[0]!.remediation).toContain('helm mapkubeapis web --namespace shop');
  });
});

describe('manifest files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'manifests-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'apps', 'web'), { recursive: true });
  mkdirSync(join(dir, '.git'));
  writeFileSync(
    join(dir, 'apps', 'web', 'all.yaml'),
    `${DEPLOYMENT}${PDB_V1BETA1}---\napiVersion: batch/v1beta1\nkind: CronJob\nmetadata: {name: nightly, namespace: ops}\n`,
  );
  writeFileSync(
    join(dir, 'list.json'),
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [{ apiVersion: 'extensions/v1beta1', kind: 'Ingress', metadata: { name: 'legacy' } }],
    }),
  );
  writeFileSync(
    join(dir, 'chart.yml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name }\n  bad: [\n',
  );
  writeFileSync(join(dir, '.git', 'ignored.yaml'), PDB_V1BETA1);
  writeFileSync(join(dir, 'README.md'), PDB_V1BETA1);

  it('walks the tree and parses every document', async () => {
    expect(await listManifestFiles(dir)).toEqual(['apps/web/all.yaml', 'chart.yml', 'list.json']);
    expect(
      scanManifestText(`${DEPLOYMENT}${PDB_V1BETA1}`).objects.map((o) => `${o.document} ${o.apiVersion} ${o.kind}`),
    ).toEqual(['1 apps/v1 Deployment', '2 policy/v1beta1 PodDisruptionBudget']);
  });

  it('names file, document and object for each removed API, including ones already gone', async () => {
    const findings = await checkRemovedApisManifests(context(inv124, { target: 'v1.25.16', manifestsDir: dir }));
    const byApi = Object.fromEntries(
      findings
        .filter((f) => f.id === 'removed-api-manifest')
        .map((f) => [f.message.split(' is ')[0], f.objects.map((o) => `${o.name}: ${o.detail}`)]),
    );
    expect(byApi).toEqual({
      'extensions/v1beta1 Ingress': ['list.json: document 1: Ingress legacy as extensions/v1beta1'],
      'policy/v1beta1 PodDisruptionBudget': [
        'apps/web/all.yaml: document 2: PodDisruptionBudget web as policy/v1beta1',
      ],
      'batch/v1beta1 CronJob': ['apps/web/all.yaml: document 3: CronJob ops/nightly as batch/v1beta1'],
    });
    expect(findings.find((f) => f.id === 'removed-api-source-unavailable')?.objects[0]?.name).toBe('chart.yml');
  });

  it('does nothing without --manifests', async () => {
    expect(await checkRemovedApisManifests(context(inv124, { target: 'v1.25.16' }))).toEqual([]);
  });
});
