/**
 * Services, EndpointSlices, `/scale` and Events in the demo sandbox, checked with the real clients: kubectl
 * (get svc / endpointslices / endpoints / events, describe, scale, expose), client-node (a watch of
 * EndpointSlices across an eviction: ready → terminating → gone, and the replacement appearing) and the
 * official Python client (listing Services, EndpointSlices and events.k8s.io Events).
 */
import { execFileSync } from 'node:child_process';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppsV1Api, CoreV1Api, DiscoveryV1Api, Watch, type V1EndpointSlice, type V1Pod } from '@kubernetes/client-node';
import { raw, startTestSandbox, waitFor, type TestSandbox } from '../../helpers/sandbox.js';
import { kubectlAvailable, kubectlRunner } from '../../helpers/kubectl.js';

const hasKubectl = kubectlAvailable();
const ready = (p: V1Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

/** A python3 that has the official client (the distribution's python3-kubernetes may not be the PATH's python3). */
function pythonWithClient(): string | undefined {
  for (const py of ['python3', '/usr/bin/python3']) {
    try {
      execFileSync(py, ['-c', 'import kubernetes'], { stdio: 'ignore', timeout: 20_000 });
      return py;
    } catch {
      // try the next one
    }
  }
  if (process.env.CI === 'true')
    throw new Error('no python3 with the kubernetes client (python3-kubernetes) but CI=true');
  return undefined;
}
const python = pythonWithClient();

describe.skipIf(!hasKubectl)('sandbox Services, EndpointSlices, /scale and Events', () => {
  let t: TestSandbox;
  let kubectl: ReturnType<typeof kubectlRunner>;
  let core: CoreV1Api;
  let discovery: DiscoveryV1Api;

  beforeAll(async () => {
    t = await startTestSandbox({ version: 'v1.32.4' });
    kubectl = kubectlRunner(t.kubeconfigPath);
    core = t.kc.makeApiClient(CoreV1Api);
    discovery = t.kc.makeApiClient(DiscoveryV1Api);
    await waitFor(async () => (await core.listPodForAllNamespaces()).items.every((p) => ready(p)), 'all pods Ready');
  });
  afterAll(() => t?.stop());

  const sliceOf = async (ns: string, svc: string) =>
    (await discovery.listNamespacedEndpointSlice({ namespace: ns, labelSelector: `kubernetes.io/service-name=${svc}` }))
      .items;

  it('serves the kubernetes and kube-dns Services and a ClusterIP Service per demo app (kubectl get svc)', async () => {
    const r = await kubectl('get', 'svc', '-A', '-o', 'wide');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(
      /^NAMESPACE\s+NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\s+SELECTOR/,
    );
    expect(r.stdout).toMatch(/default\s+kubernetes\s+ClusterIP\s+10\.96\.0\.1\s+<none>\s+443\/TCP\s+\S+\s+<none>/);
    expect(r.stdout).toMatch(
      new RegExp(
        String.raw`kube-system\s+kube-dns\s+ClusterIP\s+10\.96\.0\.10\s+<none>\s+` +
          String.raw`53/UDP,53/TCP,9153/TCP\s+\S+\s+k8s-app=kube-dns`,
      ),
    );
    expect(r.stdout).toMatch(/shop\s+redis\s+ClusterIP\s+None\s+<none>\s+6379\/TCP/);
    const svcs = (await core.listServiceForAllNamespaces()).items;
    const ips = svcs.map((s) => s.spec!.clusterIP!).filter((ip) => ip !== 'None');
    expect(new Set(ips).size).toBe(ips.length);
    for (const ip of ips) expect(ip).toMatch(/^10\.(9[6-9]|10\d|11[01])\.\d+\.\d+$/);
    const frontend = svcs.find((s) => s.metadata?.name === 'frontend')!;
    expect(frontend.spec).toMatchObject({
      type: 'ClusterIP',
      sessionAffinity: 'None',
      ipFamilies: ['IPv4'],
      ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }],
    });
  });

  it('keeps an EndpointSlice and Endpoints per Service (kubectl get endpointslices / endpoints)', async () => {
    const slices = await sliceOf('shop', 'frontend');
    expect(slices).toHaveLength(1);
    const s = slices[0]!;
    expect(s.metadata?.labels).toMatchObject({
      'kubernetes.io/service-name': 'frontend',
      'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
    });
    expect(s.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Service', name: 'frontend', controller: true });
    expect(s.addressType).toBe('IPv4');
    expect(s.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    expect(s.endpoints).toHaveLength(5);
    const pods = (await core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=frontend' })).items;
    for (const e of s.endpoints) {
      const pod = pods.find((p) => p.metadata?.uid === e.targetRef?.uid)!;
      expect(e.addresses).toEqual([pod.status?.podIP]);
      expect(e.conditions).toEqual({ ready: true, serving: true, terminating: false });
      expect(e.nodeName).toBe(pod.spec?.nodeName);
      expect(e.zone).toMatch(/^zone-[abc]$/);
    }
    const redis = (await sliceOf('shop', 'redis'))[0]!;
    expect(redis.metadata?.labels?.['service.kubernetes.io/headless']).toBe('');
    expect(redis.endpoints.map((e) => e.hostname).sort()).toEqual(['redis-0', 'redis-1', 'redis-2']);

    const get = await kubectl('get', 'endpointslices', '-n', 'shop');
    expect(get.exitCode, get.stderr).toBe(0);
    expect(get.stdout.split('\n')[0]).toMatch(/^NAME\s+ADDRESSTYPE\s+PORTS\s+ENDPOINTS\s+AGE/);
    expect(get.stdout).toMatch(/frontend-\w{5}\s+IPv4\s+8080\s+10\.\d+\.\d+\.\d+,\S+ \+ 2 more\.\.\./);
    const ep = await kubectl('get', 'endpoints', '-n', 'payments', 'api');
    expect(ep.stdout).toMatch(/api\s+10\.\d+\.\d+\.\d+:8080,10\.\d+\.\d+\.\d+:8080,10\.\d+\.\d+\.\d+:8080\s/);
    const kube = await kubectl('get', 'endpointslice', 'kubernetes', '-n', 'default');
    expect(kube.stdout).toMatch(/kubernetes\s+IPv4\s+6443\s+10\.0\.0\.\d+,10\.0\.0\.\d+,10\.0\.0\.\d+/);
    const describe = await kubectl('describe', 'svc', '-n', 'shop', 'cart');
    expect(describe.stdout).toMatch(
      /Endpoints:\s+10\.\d+\.\d+\.\d+:8080,10\.\d+\.\d+\.\d+:8080,10\.\d+\.\d+\.\d+:8080/,
    );
  });

  it('kubectl expose: the new Service gets its slice; deleting it removes slice and Endpoints', async () => {
    const r = await kubectl(
      'expose',
      'deployment',
      'catalog',
      '-n',
      'shop',
      '--name',
      'catalog-admin',
      '--port',
      '9000',
      '--target-port',
      '9090',
    );
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe('service/catalog-admin exposed');
    const slice = await waitFor(
      async () => (await sliceOf('shop', 'catalog-admin')).find((s) => s.endpoints?.length === 3),
      'catalog-admin endpoints',
    );
    expect(slice.ports).toEqual([{ name: '', port: 9090, protocol: 'TCP' }]);
    expect((await kubectl('delete', 'svc', 'catalog-admin', '-n', 'shop')).exitCode).toBe(0);
    await waitFor(
      async () => (await sliceOf('shop', 'catalog-admin')).length === 0,
      'slices of the deleted Service gone',
    );
    await waitFor(
      async () =>
        !(await core.listNamespacedEndpoints({ namespace: 'shop' })).items.some(
          (e) => e.metadata?.name === 'catalog-admin',
        ),
      'Endpoints gone',
    );
  });

  it('a watch of EndpointSlices across an eviction: ready → terminating → gone; a replacement', async () => {
    const victim = (await core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=cart' })).items[0]!;
    const uid = victim.metadata!.uid!;
    const seen: V1EndpointSlice[] = [];
    const watch = await new Watch(t.kc).watch(
      '/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices',
      { labelSelector: 'kubernetes.io/service-name=cart' },
      (_type: string, obj: V1EndpointSlice) => seen.push(obj),
      () => {},
    );
    try {
      await waitFor(() => seen.length > 0, 'the initial ADDED event');
      await core.createNamespacedPodEviction({
        name: victim.metadata!.name!,
        namespace: 'shop',
        body: {
          apiVersion: 'policy/v1',
          kind: 'Eviction',
          metadata: { name: victim.metadata!.name!, namespace: 'shop' },
        },
      });
      const endpointOf = (s: V1EndpointSlice) => s.endpoints?.find((e) => e.targetRef?.uid === uid);
      const terminating = await waitFor(
        () => seen.map(endpointOf).find((e) => e?.conditions?.terminating),
        'a terminating endpoint',
      );
      expect(terminating.conditions).toEqual({ ready: false, serving: true, terminating: true });
      await waitFor(() => {
        const last = seen[seen.length - 1]!;
        return !endpointOf(last) && last.endpoints?.length === 3 && last.endpoints.every((e) => e.conditions?.ready);
      }, 'the evicted pod gone and three ready endpoints again');
      const last = seen[seen.length - 1]!;
      const pods = (await core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=cart' })).items;
      expect(last.endpoints!.map((e) => e.targetRef?.uid).sort()).toEqual(pods.map((p) => p.metadata?.uid).sort());
      expect(pods.some((p) => p.metadata?.uid === uid)).toBe(false);
    } finally {
      watch.abort();
    }
    const events = await kubectl('get', 'events', '-n', 'shop', '--field-selector', `involvedObject.uid=${uid}`);
    expect(events.stdout).toMatch(/Normal\s+Killing\s+pod\/cart-\S+\s+Stopping container cart/);
  });

  it('kubectl scale goes through /scale for Deployments, ReplicaSets and StatefulSets', async () => {
    const list = JSON.parse((await raw(t, '/apis/apps/v1')).text) as {
      resources: { name: string; group?: string; version?: string; kind: string; verbs: string[] }[];
    };
    for (const r of ['deployments/scale', 'replicasets/scale', 'statefulsets/scale']) {
      expect(list.resources.find((x) => x.name === r)).toMatchObject({
        group: 'autoscaling',
        version: 'v1',
        kind: 'Scale',
        verbs: ['get', 'patch', 'update'],
      });
    }
    const r = await kubectl('scale', 'deployment/frontend', '-n', 'shop', '--replicas=6');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe('deployment.apps/frontend scaled');
    const apps = t.kc.makeApiClient(AppsV1Api);
    await waitFor(
      async () =>
        (await apps.readNamespacedDeployment({ name: 'frontend', namespace: 'shop' })).status?.readyReplicas === 6,
      'six frontends Ready',
    );
    const scale = JSON.parse((await raw(t, '/apis/apps/v1/namespaces/shop/deployments/frontend/scale')).text);
    expect(scale).toMatchObject({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name: 'frontend', namespace: 'shop' },
      spec: { replicas: 6 },
      status: { replicas: 6, selector: 'app=frontend' },
    });
    await waitFor(async () => (await sliceOf('shop', 'frontend'))[0]?.endpoints?.length === 6, 'six endpoints');

    const cond = await kubectl('scale', 'statefulset', 'redis', '-n', 'shop', '--current-replicas=2', '--replicas=4');
    expect(cond.exitCode).not.toBe(0);
    expect(cond.stderr).toContain('Expected replicas to be 2, was 3');
    const put = await raw(t, '/apis/apps/v1/namespaces/shop/statefulsets/redis/scale', {
      method: 'PUT',
      body: { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'redis' }, spec: { replicas: -1 } },
    });
    expect(put.status).toBe(422);
    const rs = (await apps.listNamespacedReplicaSet({ namespace: 'shop', labelSelector: 'app=cart' })).items[0]!;
    const rsScale = await kubectl(
      'get',
      '--raw',
      `/apis/apps/v1/namespaces/shop/replicasets/${rs.metadata!.name}/scale`,
    );
    expect(JSON.parse(rsScale.stdout)).toMatchObject({
      spec: { replicas: 3 },
      status: { selector: expect.stringContaining('app=cart') },
    });

    const described = await kubectl('describe', 'deployment', 'frontend', '-n', 'shop');
    expect(described.stdout).toMatch(
      /Normal\s+ScalingReplicaSet\s+.*deployment-controller\s+Scaled up replica set frontend-\w+ from 5 to 6/,
    );
  });

  it('kubectl get events -A and kubectl describe pod show the history the components wrote', async () => {
    const all = await kubectl('get', 'events', '-A');
    expect(all.exitCode, all.stderr).toBe(0);
    expect(all.stdout.split('\n')[0]).toMatch(/^NAMESPACE\s+LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE/);
    for (const reason of ['Scheduled', 'Pulled', 'Created', 'Started', 'SuccessfulCreate', 'ScalingReplicaSet'])
      expect(all.stdout).toMatch(new RegExp(`Normal\\s+${reason}\\s`));
    const pod = (await core.listNamespacedPod({ namespace: 'payments', labelSelector: 'app=ledger' })).items[0]!;
    const d = await kubectl('describe', 'pod', '-n', 'payments', pod.metadata!.name!);
    expect(d.exitCode, d.stderr).toBe(0);
    const events = d.stdout.slice(d.stdout.indexOf('Events:'));
    expect(events).toMatch(/Type\s+Reason\s+Age\s+From\s+Message/);
    expect(events).toMatch(
      new RegExp(
        String.raw`Normal\s+Scheduled\s+\S+\s+default-scheduler\s+` +
          `Successfully assigned payments/${pod.metadata!.name} to ${pod.spec!.nodeName}`,
      ),
    );
    expect(events).toMatch(
      new RegExp(
        String.raw`Normal\s+Pulled\s+\S+\s+kubelet\s+` +
          'Container image "registry.example.com/payments/ledger:1.9.3" already present on machine',
      ),
    );
    expect(events).toMatch(/Normal\s+Started\s+\S+\s+kubelet\s+Started container ledger/);
    const wide = await kubectl(
      'get',
      'events',
      '-n',
      'payments',
      '-o',
      'wide',
      '--field-selector',
      `involvedObject.name=${pod.metadata!.name}`,
    );
    expect(wide.stdout).toMatch(
      new RegExp(
        String.raw`Normal\s+Started\s+` +
          String.raw`pod/${pod.metadata!.name}\s+spec.containers\{ledger\}\s+kubelet, ${pod.spec!.nodeName}`,
      ),
    );
  });

  it('FailedScheduling for a pod that fits nowhere; NodeNotReady/Starting/NodeReady on restart', async () => {
    await core.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: 'too-big' },
        spec: { containers: [{ name: 'x', image: 'x:1', resources: { requests: { cpu: '64' } } }] },
      },
    });
    const failed = await waitFor(async () => {
      const r = await kubectl(
        'get',
        'events',
        '-n',
        'default',
        '--field-selector',
        'involvedObject.name=too-big,reason=FailedScheduling',
      );
      return /Warning\s+FailedScheduling\s+pod\/too-big\s+0\/9 nodes are available/.test(r.stdout) && r;
    }, 'FailedScheduling');
    expect(failed && failed.exitCode).toBe(0);
    await core.deleteNamespacedPod({ name: 'too-big', namespace: 'default' });

    t.sandbox.controllers.restartKubelet('green-3', 'v1.32.4');
    await waitFor(
      async () =>
        (await core.readNode({ name: 'green-3' })).status?.conditions?.find((c) => c.type === 'Ready')?.status ===
        'True',
      'green-3 Ready again',
    );
    const d = await kubectl('describe', 'node', 'green-3');
    const events = d.stdout.slice(d.stdout.indexOf('Events:'));
    expect(events).toMatch(/Normal\s+NodeNotReady\s+\S+\s+kubelet\s+Node green-3 status is now: NodeNotReady/);
    expect(events).toMatch(/Normal\s+NodeNotReady\s+\S+\s+node-controller\s+Node green-3 status is now: NodeNotReady/);
    expect(events).toMatch(/Normal\s+Starting\s+\S+\s+kubelet\s+Starting kubelet\./);
    expect(events).toMatch(/Normal\s+NodeReady\s+\S+\s+kubelet\s+Node green-3 status is now: NodeReady/);
  });

  it('serves the same events through events.k8s.io/v1 (list, field selectors on its names, watch)', async () => {
    const list = JSON.parse(
      (await raw(t, '/apis/events.k8s.io/v1/namespaces/shop/events?fieldSelector=reason%3DScheduled')).text,
    );
    expect(list).toMatchObject({ kind: 'EventList', apiVersion: 'events.k8s.io/v1' });
    expect(list.items.length).toBeGreaterThan(0);
    const e = list.items[0];
    expect(e).toMatchObject({
      reason: 'Scheduled',
      action: 'Binding',
      reportingController: 'default-scheduler',
      regarding: { kind: 'Pod', namespace: 'shop' },
    });
    expect(e.note).toMatch(/^Successfully assigned shop\//);
    expect(e.eventTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(e.involvedObject).toBeUndefined();
    const byName = JSON.parse(
      (await raw(t, `/apis/events.k8s.io/v1/namespaces/shop/events?fieldSelector=regarding.name%3D${e.regarding.name}`))
        .text,
    );
    expect(byName.items.every((x: { regarding: { name: string } }) => x.regarding.name === e.regarding.name)).toBe(
      true,
    );
    const created = await raw(t, '/apis/events.k8s.io/v1/namespaces/shop/events', {
      method: 'POST',
      body: {
        metadata: { name: 'by-hand' },
        eventTime: '2026-01-01T00:00:00.000000Z',
        reportingController: 'test',
        reportingInstance: 'test-1',
        action: 'Check',
        reason: 'Checked',
        note: 'hello',
        type: 'Normal',
        regarding: { kind: 'Service', namespace: 'shop', name: 'cart' },
      },
    });
    expect(created.status, created.text).toBe(201);
    const asCore = (await core.readNamespacedEvent({ name: 'by-hand', namespace: 'shop' })) as unknown as Record<
      string,
      unknown
    >;
    expect(asCore).toMatchObject({
      message: 'hello',
      reason: 'Checked',
      reportingComponent: 'test',
      involvedObject: { kind: 'Service', name: 'cart' },
    });
  });

  it.skipIf(!python)('the official Python client lists Services, EndpointSlices and events.k8s.io Events', async () => {
    const script = [
      'import sys, json',
      'from kubernetes import client, config',
      'config.load_kube_config(config_file=sys.argv[1])',
      'svcs = client.CoreV1Api().list_service_for_all_namespaces()',
      'slices = client.DiscoveryV1Api().list_namespaced_endpoint_slice(',
      '  "shop", label_selector="kubernetes.io/service-name=redis")',
      // Legacy-recorder events have eventTime null (as on a real cluster), which this client's EventsV1Event refuses
      // (kubernetes-client/python#669): through events.k8s.io it reads the scheduler's, through v1 any.
      'events = client.EventsV1Api().list_namespaced_event("shop", field_selector="reason=Scheduled", limit=5)',
      'core = client.CoreV1Api().list_namespaced_event("shop", field_selector="reason=Started")',
      'print(json.dumps({',
      '  "services": sorted(f"{s.metadata.namespace}/{s.metadata.name}={s.spec.cluster_ip}" for s in svcs.items),',
      '  "redis": sorted(e.hostname for s in slices.items for e in s.endpoints),',
      '  "ready": [e.conditions.ready for s in slices.items for e in s.endpoints],',
      '  "events": [e.reason for e in events.items], "continue": events.metadata._continue is not None,',
      '  "started": sorted({e.source.component for e in core.items})}))',
    ].join('\n');
    // Asynchronously: the sandbox answering it runs in this process.
    const r = await execa(python!, ['-c', script, t.kubeconfigPath], { reject: false, timeout: 60_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.services).toContain('default/kubernetes=10.96.0.1');
    expect(out.services).toContain('kube-system/kube-dns=10.96.0.10');
    expect(out.services).toContain('shop/redis=None');
    expect(out.redis).toEqual(['redis-0', 'redis-1', 'redis-2']);
    expect(out.ready).toEqual([true, true, true]);
    expect(out.events).toEqual(['Scheduled', 'Scheduled', 'Scheduled', 'Scheduled', 'Scheduled']);
    expect(out.continue).toBe(true);
    expect(out.started).toEqual(['kubelet']);
  });
});
