/**
 * The sandbox's endpoint, scale and event rules as pure functions: endpoint conditions and ports (named
 * targetPorts), slice planning (100 per slice, refill in place, placeholder), legacy Endpoints subsets, the Scale
 * selector string, the event correlator and pruner, and the events.k8s.io conversion.
 */
import { describe, expect, it } from 'vitest';
import { ObjectStore } from '../../../src/sandbox/store/object-store.js';
import type { KObject } from '../../../src/sandbox/store/types.js';
import {
  desiredEndpoints,
  endpointsSubsets,
  podPorts,
  sliceEndpoint,
} from '../../../src/sandbox/controllers/endpoint-slices.js';
import { planSlices } from '../../../src/sandbox/controllers/endpoints.js';
import { EventPruner, EventRecorder, refOf } from '../../../src/sandbox/controllers/events.js';
import { selectorString } from '../../../src/sandbox/api/scale.js';
import { eventsFieldSelector, fromEventsApi, toEventsApi } from '../../../src/sandbox/api/event-versions.js';

function svc(spec: Record<string, unknown> = {}): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'ns', uid: 'svc-uid', resourceVersion: '1', creationTimestamp: '' },
    spec: {
      selector: { app: 'web' },
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
      ...spec,
    },
  };
}

function pod(
  n: number,
  o: { ready?: boolean; terminating?: boolean; ip?: boolean; phase?: string; port?: string } = {},
): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `web-${n}`,
      namespace: 'ns',
      uid: `uid-${n}`,
      resourceVersion: '1',
      creationTimestamp: '',
      labels: { app: 'web' },
      ...(o.terminating ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    },
    spec: {
      nodeName: 'node-1',
      containers: [{ name: 'app', ports: [{ name: o.port ?? 'http', containerPort: 8080 }] }],
    },
    status: {
      phase: o.phase ?? 'Running',
      ...(o.ip === false ? {} : { podIP: `10.64.0.${n}`, podIPs: [{ ip: `10.64.0.${n}` }] }),
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }],
    },
  };
}

const zone = () => 'zone-a';

describe('endpoint rules', () => {
  it('conditions follow readiness and termination (publishNotReadyAddresses makes every endpoint ready)', () => {
    expect(sliceEndpoint(svc(), pod(1), zone).conditions).toEqual({ ready: true, serving: true, terminating: false });
    expect(sliceEndpoint(svc(), pod(1, { ready: false }), zone).conditions).toEqual({
      ready: false,
      serving: false,
      terminating: false,
    });
    expect(sliceEndpoint(svc(), pod(1, { terminating: true }), zone).conditions).toEqual({
      ready: false,
      serving: true,
      terminating: true,
    });
    expect(sliceEndpoint(svc({ publishNotReadyAddresses: true }), pod(1, { ready: false }), zone).conditions).toEqual({
      ready: true,
      serving: false,
      terminating: false,
    });
    expect(sliceEndpoint(svc(), pod(3), zone)).toMatchObject({
      addresses: ['10.64.0.3'],
      nodeName: 'node-1',
      zone: 'zone-a',
      targetRef: { kind: 'Pod', name: 'web-3', uid: 'uid-3' },
    });
  });

  it('resolves a named targetPort per pod; a pod without it loses that port', () => {
    expect(podPorts(svc(), pod(1))).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    expect(podPorts(svc(), pod(1, { port: 'web' }))).toEqual([]);
    expect(podPorts(svc({ ports: [{ port: 80, targetPort: 9000 }] }), pod(1))).toEqual([
      { name: '', port: 9000, protocol: 'TCP' },
    ]);
    const groups = desiredEndpoints(
      svc(),
      [pod(1), pod(2, { port: 'web' }), pod(3, { ip: false }), pod(4, { phase: 'Succeeded' })],
      zone,
    );
    expect([...groups.values()].map((g) => [g.ports.length, g.endpoints.length])).toEqual([
      [1, 1],
      [0, 1],
    ]);
  });

  it('plans at most 100 endpoints per slice, refills existing slices in place and keeps one placeholder', () => {
    const pods = Array.from({ length: 250 }, (_, i) => pod(i + 1));
    const first = planSlices([], desiredEndpoints(svc(), pods, zone));
    expect(first.keep.map((p) => p.endpoints!.length)).toEqual([100, 100, 50]);
    const slices = first.keep.map(
      (p, i) => ({ metadata: { name: `web-${i}` }, ports: p.ports, endpoints: p.endpoints }) as unknown as KObject,
    );
    // Pods 1–60 go, 20 new ones come: the first slice keeps 40 and is refilled with the 20 newcomers.
    const next = [...pods.slice(60), ...Array.from({ length: 20 }, (_, i) => pod(300 + i))];
    const second = planSlices(slices, desiredEndpoints(svc(), next, zone));
    expect(second.keep.map((p) => [p.slice?.metadata.name, p.endpoints!.length])).toEqual([
      ['web-0', 60],
      ['web-1', 100],
      ['web-2', 50],
    ]);
    expect(second.remove).toEqual([]);
    const none = planSlices(slices, desiredEndpoints(svc(), [], zone));
    expect(none.keep).toEqual([{ slice: slices[0], ports: null, endpoints: null }]);
    expect(none.remove).toEqual([slices[1], slices[2]]);
  });

  it('legacy Endpoints: ready addresses, not-ready ones apart, terminating pods left out', () => {
    const subsets = endpointsSubsets(svc(), [pod(2), pod(1), pod(3, { ready: false }), pod(4, { terminating: true })]);
    expect(subsets).toHaveLength(1);
    expect(subsets[0]).toMatchObject({
      addresses: [{ ip: '10.64.0.1' }, { ip: '10.64.0.2' }],
      notReadyAddresses: [{ ip: '10.64.0.3', nodeName: 'node-1', targetRef: { kind: 'Pod', name: 'web-3' } }],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    });
  });
});

describe('scale', () => {
  it('status.selector is the selector in its string form', () => {
    expect(selectorString({ matchLabels: { b: '2', a: '1' } })).toBe('a=1,b=2');
    expect(
      selectorString({
        matchLabels: { app: 'x' },
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['web', 'api'] },
          { key: 'canary', operator: 'DoesNotExist' },
        ],
      }),
    ).toBe('app=x,tier in (api,web),!canary');
  });
});

describe('events', () => {
  const store = () => {
    const s = new ObjectStore();
    for (const name of ['default', 'ns'])
      s.create('namespaces', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name, uid: '', resourceVersion: '', creationTimestamp: '' },
      });
    return s;
  };

  it('a repeat of the same event bumps count (legacy) or the series (events.k8s.io) instead of adding one', () => {
    const s = store();
    const r = new EventRecorder(s);
    const p = pod(1);
    r.record(refOf(p), 'Normal', 'Killing', 'Stopping container app', { component: 'kubelet', host: 'node-1' });
    r.record(refOf(p), 'Normal', 'Killing', 'Stopping container app', { component: 'kubelet', host: 'node-1' });
    r.record(refOf(p), 'Normal', 'Killing', 'Stopping container other', { component: 'kubelet', host: 'node-1' });
    r.recordV1(
      refOf(p),
      'Warning',
      'FailedScheduling',
      'Scheduling',
      '0/3 nodes are available',
      'default-scheduler',
      'default-scheduler-cp-1',
    );
    r.recordV1(
      refOf(p),
      'Warning',
      'FailedScheduling',
      'Scheduling',
      '0/3 nodes are available',
      'default-scheduler',
      'default-scheduler-cp-1',
    );
    const events = s.list('events', 'ns');
    expect(events).toHaveLength(3);
    const killing = events.find((e) => e.message === 'Stopping container app')!;
    expect(killing).toMatchObject({
      count: 2,
      source: { component: 'kubelet', host: 'node-1' },
      reportingComponent: 'kubelet',
      reportingInstance: 'node-1',
      eventTime: null,
      involvedObject: { kind: 'Pod', name: 'web-1', uid: 'uid-1' },
    });
    expect(killing.metadata.name).toMatch(/^web-1\.[0-9a-f]{16}$/);
    const failed = events.find((e) => e.reason === 'FailedScheduling')!;
    expect(failed).toMatchObject({
      type: 'Warning',
      action: 'Scheduling',
      reportingComponent: 'default-scheduler',
      series: { count: 2 },
    });
    expect(failed.eventTime).toMatch(/\.\d{6}Z$/);
  });

  it('the pruner keeps the newest events of a namespace', async () => {
    const s = store();
    const pruner = new EventPruner(
      s,
      (_c, _k, e) => {
        throw e;
      },
      5,
    );
    const unsubscribe = s.subscribe((ev) => pruner.onEvent(ev));
    const r = new EventRecorder(s);
    for (let i = 0; i < 12; i++)
      r.record(refOf(pod(i)), 'Normal', 'Started', `Started container app`, { component: 'kubelet' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(
      s
        .list('events', 'ns')
        .map((e) => e.involvedObject as { name: string })
        .map((o) => o.name)
        .sort(),
    ).toEqual(['web-10', 'web-11', 'web-7', 'web-8', 'web-9']);
    unsubscribe();
    pruner.stop();
  });

  it('events.k8s.io is the same object under other field names, both ways, field selectors included', () => {
    const core: KObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'e', namespace: 'ns', uid: 'u', resourceVersion: '5', creationTimestamp: '' },
      involvedObject: { kind: 'Pod', name: 'p' },
      message: 'hello',
      reportingComponent: 'kubelet',
      source: { component: 'kubelet' },
      count: 2,
      eventTime: null,
    };
    const v1 = toEventsApi(core, 'events.k8s.io/v1');
    expect(v1).toMatchObject({
      apiVersion: 'events.k8s.io/v1',
      regarding: { kind: 'Pod', name: 'p' },
      note: 'hello',
      reportingController: 'kubelet',
      deprecatedSource: { component: 'kubelet' },
      deprecatedCount: 2,
      eventTime: null,
    });
    expect(v1.involvedObject).toBeUndefined();
    expect(fromEventsApi(v1)).toEqual(core);
    expect(eventsFieldSelector('regarding.name=p,reason=Started,note!=x,reportingController=kubelet')).toBe(
      'involvedObject.name=p,reason=Started,message!=x,reportingComponent=kubelet',
    );
  });
});
