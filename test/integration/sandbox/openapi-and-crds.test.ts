/**
 * What a new user types, with the tools' defaults: `kubectl apply -f` / `create -f` / `replace -f` with kubectl's
 * default validation (it downloads /openapi/v2 in protobuf and /openapi/v3, then leaves unknown fields to the
 * server's fieldValidation=Strict), the kube-apiserver message for an unknown field, `kubectl explain`, kubectl of
 * every installed minor, a CRD applied then a custom resource of it applied, listed and watched, and the official
 * Python client's `watch=True`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { AppsV1Api, CustomObjectsApi, Watch } from '@kubernetes/client-node';
import { raw, startTestSandbox, waitFor, type TestSandbox } from '../../helpers/sandbox.js';
import { kubectlAvailable, kubectlRunner } from '../../helpers/kubectl.js';

const hasKubectl = kubectlAvailable();
const here = dirname(fileURLToPath(import.meta.url));

const deployment = (name: string, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: default
spec:
  replicas: 2${extra}
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: app
        image: nginx:1.27
        ports:
        - containerPort: 80
        resources:
          requests: {cpu: 100m, memory: 64Mi}
`;

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  scope: Namespaced
  names: {plural: crontabs, singular: crontab, kind: CronTab, shortNames: [ct]}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              cronSpec: {type: string}
              image: {type: string}
              replicas: {type: integer}
          status:
            type: object
            x-kubernetes-preserve-unknown-fields: true
`;

const cronTab = (name: string, extra = '') => `apiVersion: stable.example.com/v1
kind: CronTab
metadata:
  name: ${name}
  namespace: default
  labels: {team: a}
spec:
  cronSpec: "*/5 * * * *"
  image: cron:1${extra}
`;

/** The python3 that has the official client (pyenv shims may hide Debian's python3-kubernetes), or undefined. */
function pythonWithKubernetes(): string | undefined {
  for (const py of ['python3', '/usr/bin/python3']) {
    try {
      execFileSync(py, ['-c', 'import kubernetes'], { stdio: 'ignore', timeout: 30_000 });
      return py;
    } catch {
      // try the next one
    }
  }
  if (process.env.CI === 'true')
    throw new Error('no python3 with the kubernetes client but CI=true: install python3-kubernetes');
  return undefined;
}

/** kubectl.1.NN binaries installed beside the kubectl dispatcher (gcloud's layout), by minor. */
function kubectlMinors(): { minor: number; path: string }[] {
  try {
    const which = execFileSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).trim();
    let target = which;
    try {
      target = resolve(dirname(which), readlinkSync(which));
    } catch {
      // not a symlink
    }
    const out: { minor: number; path: string }[] = [];
    for (let m = 20; m <= 40; m++) {
      const p = join(dirname(target), `kubectl.1.${m}`);
      if (existsSync(p)) out.push({ minor: m, path: p });
    }
    return out;
  } catch {
    return [];
  }
}

describe.skipIf(!hasKubectl)('sandbox OpenAPI, field validation and CRDs against kubectl and the Python client', () => {
  let t: TestSandbox;
  let kubectl: ReturnType<typeof kubectlRunner>;
  const file = (name: string, text: string) => {
    const p = join(t.dir, name);
    writeFileSync(p, text);
    return p;
  };

  beforeAll(async () => {
    // The dispatcher picks its binary from the server's minor: 1.32 runs its own build.
    t = await startTestSandbox({ version: 'v1.32.4', controlPlanes: 1, pools: [{ name: 'blue', count: 2 }] });
    kubectl = kubectlRunner(t.kubeconfigPath);
  });
  afterAll(() => t?.stop());

  it('kubectl apply -f, create -f and replace -f work with the default validation', async () => {
    const f = file('web.yaml', deployment('web-apply'));
    const first = await kubectl('apply', '-f', f);
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe('deployment.apps/web-apply created');
    expect((await kubectl('apply', '-f', f)).stdout).toBe('deployment.apps/web-apply unchanged');
    const changed = await kubectl(
      'apply',
      '-f',
      file('web3.yaml', deployment('web-apply').replace('replicas: 2', 'replicas: 3')),
    );
    expect(changed.stdout, changed.stderr).toBe('deployment.apps/web-apply configured');
    const apps = t.kc.makeApiClient(AppsV1Api);
    expect((await apps.readNamespacedDeployment({ name: 'web-apply', namespace: 'default' })).spec?.replicas).toBe(3);

    const c = file('created.yaml', deployment('web-create'));
    expect((await kubectl('create', '-f', c)).stdout).toBe('deployment.apps/web-create created');
    const replaced = await kubectl(
      'replace',
      '-f',
      file('replaced.yaml', deployment('web-create').replace('replicas: 2', 'replicas: 1')),
    );
    expect(replaced.stdout, replaced.stderr).toBe('deployment.apps/web-create replaced');
    expect((await apps.readNamespacedDeployment({ name: 'web-create', namespace: 'default' })).spec?.replicas).toBe(1);
  });

  it("an unknown field is refused with kube-apiserver's strict decoding error (a warning with --validate=warn)", async () => {
    const bad = file('bad.yaml', deployment('web-bad', '\n  foo: bar'));
    const created = await kubectl('create', '-f', bad);
    expect(created.exitCode).toBe(1);
    expect(created.stderr).toBe(
      `Error from server (BadRequest): error when creating "${bad}": Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo"`,
    );
    const applied = await kubectl('apply', '-f', bad);
    expect(applied.exitCode).toBe(1);
    expect(applied.stderr).toContain(
      'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo"',
    );
    // On an existing object the patch is refused (422, as the strategic-merge patcher words it).
    const patched = await kubectl('apply', '-f', file('bad2.yaml', deployment('web-apply', '\n  foo: bar')));
    expect(patched.exitCode).toBe(1);
    expect(patched.stderr).toMatch(
      /^The request is invalid: patch: Invalid value: "map\[.*\]": strict decoding error: unknown field "spec.foo"$/s,
    );
    expect((await kubectl('get', 'deploy', 'web-bad')).exitCode).toBe(1);
    // --validate=warn: created, with a warning per unknown field.
    const warned = await kubectl(
      'create',
      '--validate=warn',
      '-f',
      file('warn.yaml', deployment('web-warn', '\n  foo: bar')),
    );
    expect(warned.stdout).toBe('deployment.apps/web-warn created');
    expect(warned.stderr).toBe('Warning: unknown field "spec.foo"');
  });

  it('kubectl explain deployment.spec.replicas prints the upstream description', async () => {
    const r = await kubectl('explain', 'deployment.spec.replicas');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^GROUP:\s+apps\nKIND:\s+Deployment\nVERSION:\s+v1\n\nFIELD: replicas <integer>/);
    expect(r.stdout).toContain('Number of desired pods.');
  });

  const binaries = kubectlMinors();
  it.skipIf(binaries.length === 0)(
    'kubectl of every installed minor applies, refuses an unknown field and explains',
    async () => {
      for (const { minor, path } of binaries) {
        const cacheDir = join(t.dir, `cache-${minor}`);
        const run = (...args: string[]) =>
          execa(path, args, {
            env: { KUBECONFIG: t.kubeconfigPath, KUBECACHEDIR: cacheDir, HOME: cacheDir },
            reject: false,
          });
        const ok = await run('apply', '-f', file(`m${minor}.yaml`, deployment(`web-${minor}`)));
        expect(ok.stdout, `kubectl 1.${minor}: ${ok.stderr}`).toBe(`deployment.apps/web-${minor} created`);
        const bad = await run(
          'create',
          '-f',
          file(`m${minor}-bad.yaml`, deployment(`web-${minor}-bad`, '\n  foo: bar')),
        );
        expect(bad.stderr, `kubectl 1.${minor}`).toContain('strict decoding error: unknown field "spec.foo"');
        const explain = await run('explain', 'deployment.spec.replicas');
        expect(explain.stdout, `kubectl 1.${minor}: ${explain.stderr}`).toContain('Number of desired pods.');
      }
    },
  );

  it('serves /openapi/v2 as protobuf and JSON, /openapi/v3 per group-version, each for what discovery serves', async () => {
    const pb = await raw(t, '/openapi/v2', { accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' });
    expect(pb.status).toBe(200);
    expect(pb.headers['content-type']).toBe('application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    const v2 = await raw(t, '/openapi/v2', { accept: 'application/json' });
    const doc = JSON.parse(v2.text);
    expect(doc.swagger).toBe('2.0');
    expect(doc.info.version).toBe('v1.32.4');
    expect(doc.definitions['io.k8s.api.apps.v1.Deployment']['x-kubernetes-group-version-kind']).toEqual([
      { group: 'apps', version: 'v1', kind: 'Deployment' },
    ]);
    expect((await raw(t, '/openapi/v2', { accept: 'text/html' })).status).toBe(406);
    const index = JSON.parse((await raw(t, '/openapi/v3')).text);
    const groups = JSON.parse((await raw(t, '/apis')).text).groups as { versions: { groupVersion: string }[] }[];
    const served = ['api/v1', ...groups.flatMap((g) => g.versions.map((v) => `apis/${v.groupVersion}`))].sort();
    expect(Object.keys(index.paths).sort()).toEqual(served);
    const apps = JSON.parse((await raw(t, index.paths['apis/apps/v1'].serverRelativeURL)).text);
    expect(apps.openapi).toBe('3.0.0');
    const patch = apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
    expect(patch['x-kubernetes-group-version-kind']).toEqual({ group: 'apps', version: 'v1', kind: 'Deployment' });
    expect(patch.parameters.map((p: { name: string }) => p.name)).toContain('fieldValidation');
    expect(apps.components.schemas['io.k8s.api.core.v1.PodSpec'].properties.containers.type).toBe('array');
  });

  it('a CRD applied, then a custom resource of it applied, listed, watched, validated against its schema', async () => {
    const crd = await kubectl('apply', '-f', file('crd.yaml', CRD));
    expect(crd.stdout, crd.stderr).toBe(
      'customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com created',
    );
    const est = await kubectl(
      'wait',
      '--for',
      'condition=established',
      '--timeout=20s',
      'crd/crontabs.stable.example.com',
    );
    expect(est.stdout, est.stderr).toBe(
      'customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com condition met',
    );

    const custom = t.kc.makeApiClient(CustomObjectsApi);
    const events: string[] = [];
    const ac = await new Watch(t.kc).watch(
      '/apis/stable.example.com/v1/namespaces/default/crontabs',
      { labelSelector: 'team=a' },
      (type, obj) => {
        events.push(`${type} ${(obj as { metadata: { name: string } }).metadata.name}`);
      },
      () => undefined,
    );

    const applied = await kubectl('apply', '-f', file('ct.yaml', cronTab('nightly')));
    expect(applied.stdout, applied.stderr).toBe('crontab.stable.example.com/nightly created');
    const listed = await kubectl('get', 'ct', '-l', 'team=a', '-o', 'name');
    expect(listed.stdout, listed.stderr).toBe('crontab.stable.example.com/nightly');
    const changed = await kubectl('apply', '-f', file('ct2.yaml', cronTab('nightly').replace('cron:1', 'cron:2')));
    expect(changed.stdout, changed.stderr).toBe('crontab.stable.example.com/nightly configured');
    await waitFor(
      () => events.includes('ADDED nightly') && events.includes('MODIFIED nightly'),
      'watch events for the custom resource',
      10_000,
    );
    ac.abort();
    const obj = (await custom.getNamespacedCustomObject({
      group: 'stable.example.com',
      version: 'v1',
      namespace: 'default',
      plural: 'crontabs',
      name: 'nightly',
    })) as {
      spec: { image: string };
      metadata: { resourceVersion: string };
    };
    expect(obj.spec.image).toBe('cron:2');
    expect(Number(obj.metadata.resourceVersion)).toBeGreaterThan(0);

    const bad = await kubectl('create', '-f', file('ct-bad.yaml', cronTab('broken', '\n  bogus: 1')));
    expect(bad.stderr).toContain(
      'CronTab in version "v1" cannot be handled as a CronTab: strict decoding error: unknown field "spec.bogus"',
    );
    const resources = await kubectl('api-resources', '--api-group=stable.example.com');
    expect(resources.stdout).toMatch(/crontabs\s+ct\s+stable\.example\.com\/v1\s+true\s+CronTab/);
    const explain = await kubectl('explain', 'crontab.spec.image');
    expect(explain.stdout, explain.stderr).toContain('FIELD: image <string>');
  });

  const python = pythonWithKubernetes();
  it.skipIf(!python)('the official Python client watches with watch=True (and gets a watch, not a list)', async () => {
    await kubectl('apply', '-f', file('crd.yaml', CRD));
    await kubectl('wait', '--for', 'condition=established', '--timeout=20s', 'crd/crontabs.stable.example.com');
    await kubectl('apply', '-f', file('ct-py.yaml', cronTab('from-kubectl')));
    const script = join(here, 'python', 'watch_true.py');
    const r = await execa(python!, [script, t.kubeconfigPath, 'default', 'stable.example.com', 'v1', 'crontabs'], {
      reject: false,
      timeout: 60_000,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({ raw: 'ADDED', kind: 'ConfigMap' });
    expect(lines).toContainEqual({ type: 'ADDED', kind: 'ConfigMap', name: 'py-watch' });
    expect(lines).toContainEqual({ type: 'ADDED', kind: 'CronTab', name: 'from-kubectl' });
  });
});
