/**
 * Pod lists in Kubernetes protobuf decoded into PodInfo views: the same views as toPodInfo of the JSON, for
 * every field the views read; fields it does not read (whatever their wire type) skipped; the list metadata
 * read early from the head of a body; malformed bodies refused with a ProtobufError.
 */
import { describe, expect, it } from 'vitest';
import type { V1Pod } from '@kubernetes/client-node';
import {
  decodePodListPage,
  podListDecoder,
  protobufListHead,
  protobufStatus,
} from '../../../src/cluster/protobuf/pod-protobuf.js';
import { ProtobufError, ProtobufReader } from '../../../src/cluster/protobuf/protobuf-reader.js';
import { toPodInfo } from '../../../src/cluster/adapter/views.js';

/** A tiny protobuf writer for the fixtures (the sandbox has its own, complete encoder). */
class Writer {
  private parts: Buffer[] = [];
  varint(x: number | bigint): this {
    let v = BigInt.asUintN(64, BigInt(x));
    const out: number[] = [];
    while (v > 0x7fn) {
      out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(Number(v));
    this.parts.push(Buffer.from(out));
    return this;
  }
  tag(field: number, wire: number): this {
    return this.varint(field * 8 + wire);
  }
  bytes(field: number, b: Buffer): this {
    this.tag(field, 2).varint(b.length);
    this.parts.push(b);
    return this;
  }
  string(field: number, s: string | undefined): this {
    return s === undefined ? this : this.bytes(field, Buffer.from(s, 'utf8'));
  }
  int(field: number, n: number | undefined): this {
    return n === undefined ? this : this.tag(field, 0).varint(n);
  }
  message(field: number, w: Writer): this {
    return this.bytes(field, w.done());
  }
  map(field: number, m: Record<string, string> | undefined): this {
    for (const k of Object.keys(m ?? {}).sort()) this.message(field, new Writer().string(1, k).string(2, m![k]));
    return this;
  }
  raw(b: Buffer): this {
    this.parts.push(b);
    return this;
  }
  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

const w = () => new Writer();
const time = (iso: string) => w().int(1, Math.floor(Date.parse(iso) / 1000));

function quantityMap(field: number, m: Record<string, string> | undefined, into: Writer): void {
  for (const k of Object.keys(m ?? {}).sort()) into.message(field, w().string(1, k).message(2, w().string(1, m![k])));
}

function container(c: NonNullable<V1Pod['spec']>['containers'][number]): Writer {
  const res = w();
  quantityMap(1, c.resources?.limits as Record<string, string>, res);
  quantityMap(2, c.resources?.requests as Record<string, string>, res);
  return w()
    .string(1, c.name)
    .string(2, c.image)
    .message(8, res)
    .string(13, '/dev/termination-log')
    .string(14, 'IfNotPresent')
    .message(
      10,
      w()
        .int(5, 3)
        .int(6, 10)
        .message(1, w().message(1, w().string(1, '/healthz'))),
    ); // a probe, skipped
}

/** A Pod message as kube-apiserver writes it, with fields the decoder must skip mixed in. */
function pod(p: V1Pod): Buffer {
  const m = p.metadata!;
  const meta = w()
    .string(1, m.name)
    .string(2, '')
    .string(3, m.namespace)
    .string(5, m.uid)
    .string(6, '42')
    .int(7, 1)
    .message(8, time('2026-01-01T00:00:00Z'));
  if (m.deletionTimestamp) meta.message(9, time('2026-01-02T00:00:00Z')).int(10, 30);
  meta.map(11, m.labels).map(12, m.annotations);
  for (const o of m.ownerReferences ?? [])
    meta.message(
      13,
      w()
        .string(1, o.kind)
        .string(3, o.name)
        .string(4, o.uid)
        .string(5, o.apiVersion)
        .int(6, o.controller ? 1 : 0)
        .int(7, 1),
    );
  meta.message(
    17,
    w()
      .string(1, 'kube-controller-manager')
      .string(2, 'Update')
      .message(7, w().bytes(1, Buffer.from('{"f:metadata":{"f:labels":{}}}'))),
  );
  const s = p.spec!;
  const spec = w();
  for (const v of s.volumes ?? []) {
    const src = w();
    if (v.emptyDir) src.message(2, w());
    if (v.configMap) src.message(19, w().string(1, v.configMap.name));
    if (v.hostPath) src.message(1, w().string(1, v.hostPath.path));
    spec.message(1, w().string(1, v.name).message(2, src));
  }
  for (const c of s.containers) spec.message(2, container(c));
  spec
    .string(3, 'Always')
    .int(4, 30)
    .map(7, s.nodeSelector)
    .string(8, 'default')
    .string(10, s.nodeName ?? '');
  for (const c of s.initContainers ?? []) spec.message(20, container(c));
  for (const t of s.tolerations ?? [])
    spec.message(
      22,
      w().string(1, t.key).string(2, t.operator).string(3, t.value).string(4, t.effect).int(5, t.tolerationSeconds),
    );
  spec.int(25, 0).tag(99, 5).raw(Buffer.alloc(4)).tag(98, 1).raw(Buffer.alloc(8)); // unknown fixed32/fixed64 fields, skipped
  const st = p.status ?? {};
  const status = w().string(1, st.phase);
  for (const c of st.conditions ?? [])
    status.message(2, w().string(1, c.type).string(2, c.status).message(4, time('2026-01-01T00:00:00Z')));
  status.string(5, '10.0.0.1').message(8, w().string(1, 'app').int(5, 0).string(6, 'img').string(7, 'sha256:abc'));
  return w().message(1, meta).message(2, spec).message(3, status).done();
}

function podList(pods: V1Pod[], meta: { resourceVersion?: string; continue?: string } = {}, kind = 'PodList'): Buffer {
  const list = w().message(
    1,
    w()
      .string(2, meta.resourceVersion ?? '7')
      .string(3, meta.continue ?? '')
      .int(4, meta.continue ? 99 : undefined),
  );
  for (const p of pods) list.bytes(2, pod(p));
  const unknown = w().message(1, w().string(1, 'v1').string(2, kind)).message(2, list).string(3, '').string(4, '');
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), unknown.done()]);
}

const base = (
  name: string,
  extra: Partial<V1Pod['spec']> = {},
  metaExtra: Partial<V1Pod['metadata']> = {},
  status?: V1Pod['status'],
): V1Pod => ({
  metadata: {
    name,
    namespace: 'team-a',
    uid: `uid-${name}`,
    labels: { app: name, 'pod-template-hash': 'abc' },
    ...metaExtra,
  },
  spec: {
    nodeName: 'node-1',
    containers: [
      {
        name: 'app',
        image: `registry/${name}:1`,
        resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '1' } },
      },
    ],
    ...extra,
  },
  status: status ?? {
    phase: 'Running',
    conditions: [
      { type: 'Ready', status: 'True' },
      { type: 'PodScheduled', status: 'True' },
    ],
  },
});

const PODS: V1Pod[] = [
  base('plain'),
  base(
    'rs-owned',
    {},
    {
      ownerReferences: [
        { apiVersion: 'v1', kind: 'ConfigMap', name: 'cm', uid: 'u0' },
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1', controller: true },
      ],
    },
  ),
  base(
    'two-controllers',
    {},
    {
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'a', uid: 'u1', controller: true },
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'b', uid: 'u2', controller: true },
      ],
    },
  ),
  base(
    'mirror',
    {},
    { annotations: { 'kubernetes.io/config.mirror': 'abc123', 'kubernetes.io/config.source': 'file' } },
  ),
  base('terminating', {}, { deletionTimestamp: new Date('2026-01-02T00:00:00Z') }),
  base(
    'pending',
    { nodeName: undefined },
    {},
    { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False' }] },
  ),
  base('not-ready', {}, {}, { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] }),
  base('no-status', {}, {}, {}),
  base('volumes', {
    volumes: [
      { name: 'cache', emptyDir: {} },
      { name: 'cfg', configMap: { name: 'c' } },
      { name: 'scratch', emptyDir: {} },
      { name: 'host', hostPath: { path: '/var' } },
    ],
  }),
  base('init', {
    initContainers: [
      { name: 'setup', image: 'busybox', resources: { requests: { cpu: '2', memory: '1Gi' } } },
      { name: 'small', image: 'busybox', resources: { requests: { cpu: '100m' } } },
    ],
    containers: [
      { name: 'a', image: 'a:1', resources: { requests: { cpu: '500m', memory: '128Mi' } } },
      { name: 'b', image: 'b:1', resources: { requests: { cpu: '0.5', memory: '2G' } } },
      { name: 'c', image: 'c:1' },
    ],
  }),
  base('scheduling', {
    nodeSelector: { pool: 'blue', 'kubernetes.io/os': 'linux' },
    tolerations: [
      { operator: 'Exists' },
      { key: 'gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ],
  }),
  base('unicode', {}, { labels: { team: 'équipe-ü', emoji: '🚀' }, namespace: 'ns-ä' }),
];

describe('decodePodListPage', () => {
  it('reads every pod as toPodInfo reads its JSON', () => {
    const page = decodePodListPage(podList(PODS, { resourceVersion: '123', continue: 'tok' }));
    expect(page.resourceVersion).toBe('123');
    expect(page.continue).toBe('tok');
    expect(page.items).toEqual(PODS.map((p) => toPodInfo(JSON.parse(JSON.stringify(p)) as V1Pod)));
  });

  it('takes the first controller reference, sums containers and maxes init containers as kube-scheduler does', () => {
    const [twoCtrl, init] = decodePodListPage(podList([PODS[2]!, PODS[9]!])).items;
    expect(twoCtrl!.controller).toEqual({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'a', uid: 'u1' });
    expect(init!.requests).toEqual({ cpuMilli: 2000, memoryBytes: 128 * 2 ** 20 + 2e9, pods: 1 }); // the containers' 1 core and 2.13 GB against the init container's 2 cores and 1 GiB
    expect(init!.images).toEqual(['a:1', 'b:1', 'c:1']);
  });

  it('shares the identical parts of pods across the pages of one list, and nothing that differs', () => {
    const decode = podListDecoder();
    const a = decode(podList([base('a'), base('b')])).items;
    const b = decode(podList([base('a')])).items;
    expect(a[0]!.tolerations).toBe(a[1]!.tolerations); // both none
    expect(a[0]!.requests).toBe(a[1]!.requests);
    expect(a[0]!.labels).not.toBe(a[1]!.labels); // app=a vs app=b
    expect(b[0]!.labels).toBe(a[0]!.labels); // the same labels on the next page
    expect(b[0]).toEqual(a[0]);
    const owned = decode(
      podList([
        PODS[1]!,
        { ...PODS[1]!, metadata: { ...PODS[1]!.metadata, name: 'other' } },
        PODS[10]!,
        { ...PODS[10]!, metadata: { ...PODS[10]!.metadata, name: 'x' } },
      ]),
    ).items;
    expect(owned[0]!.controller).toBe(owned[1]!.controller);
    expect(owned[2]!.tolerations).toBe(owned[3]!.tolerations);
    expect(owned[2]!.tolerations).toHaveLength(3);
    expect(owned[0]!.name).not.toBe(owned[1]!.name);
  });

  it('reads an empty last page with no continue token', () => {
    expect(decodePodListPage(podList([], { resourceVersion: '9' }))).toEqual({
      items: [],
      resourceVersion: '9',
      continue: undefined,
    });
  });

  it('refuses a body without the magic, another kind, and a truncated body', () => {
    const good = podList(PODS.slice(0, 2));
    expect(() => decodePodListPage(Buffer.from('{"kind":"PodList"}'))).toThrow(ProtobufError);
    expect(() => decodePodListPage(podList(PODS.slice(0, 1), {}, 'NodeList'))).toThrow(
      /expected a PodList, the body holds a NodeList/,
    );
    expect(() => decodePodListPage(good.subarray(0, good.length - 7))).toThrow(ProtobufError);
  });
});

describe('protobufListHead', () => {
  it('reads the continue token once ListMeta has arrived, and not before', () => {
    const body = podList(PODS, { continue: 'next-page' });
    let first: number | undefined;
    for (let n = 1; n <= body.length; n++) {
      if (protobufListHead(body.subarray(0, n)) !== undefined) {
        first = n;
        break;
      }
    }
    expect(first).toBeDefined();
    expect(first!).toBeLessThan(80);
    expect(protobufListHead(body.subarray(0, first!))).toEqual({ continue: 'next-page' });
    expect(protobufListHead(body)).toEqual({ continue: 'next-page' });
    expect(protobufListHead(podList(PODS))).toEqual({ continue: undefined });
  });
});

describe('protobufStatus', () => {
  it('reads the message and reason of a protobuf Status', () => {
    const status = w()
      .message(1, w())
      .string(2, 'Failure')
      .string(3, 'pods is forbidden: User "x" cannot list')
      .string(4, 'Forbidden')
      .int(6, 403);
    const body = Buffer.concat([
      Buffer.from('k8s\0', 'latin1'),
      w().message(1, w().string(1, 'v1').string(2, 'Status')).message(2, status).done(),
    ]);
    expect(protobufStatus(body)).toEqual({ message: 'pods is forbidden: User "x" cannot list', reason: 'Forbidden' });
    expect(protobufStatus(Buffer.from('garbage'))).toEqual({});
  });
});

describe('ProtobufReader', () => {
  it('reads varints up to 2^53 and negative int64 as ten-byte two’s complement', () => {
    const b = w()
      .varint(300)
      .varint(2 ** 40 + 5)
      .varint(-1n)
      .varint(-300)
      .done();
    const r = new ProtobufReader(b);
    expect([r.varint(), r.varint(), r.int(), r.int()]).toEqual([300, 2 ** 40 + 5, -1, -300]);
  });
  it('refuses a length past the end of its message', () => {
    const r = new ProtobufReader(Buffer.from([0x0a, 0x05, 0x61]));
    r.varint();
    expect(() => r.string()).toThrow(/runs past the end/);
  });
});
