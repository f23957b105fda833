/**
 * The sandbox object store's cheap copies and comparisons, multi-value indexes, and the read-modify-write
 * helper: drafts are deep copies, unchanged parts are shared with the previous version, stored objects are
 * never mutated, and generation follows spec changes exactly as JSON comparison would.
 */
import { describe, expect, it } from 'vitest';
import { cloneJson, draftOf, sameJson, sameTree, settle } from '../../../src/sandbox/store/json.js';
import { ObjectStore } from '../../../src/sandbox/store/object-store.js';
import type { KObject } from '../../../src/sandbox/store/types.js';

const pod = (
  name: string,
  labels: Record<string, string>,
  spec: Record<string, unknown> = { containers: [{ name: 'app', image: 'a:1' }] },
): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'ns', uid: '', resourceVersion: '', creationTimestamp: '', labels },
  spec,
  status: { phase: 'Pending' },
});

const byLabel = (o: KObject) => Object.entries(o.metadata.labels ?? {}).map(([k, v]) => `${k}=${v}`);
const names = (l: KObject[]) => l.map((o) => o.metadata.name);

describe('cloneJson / sameTree / sameJson', () => {
  it('copies deeply, keeping key order, undefined-valued keys and non-plain values', () => {
    const d = new Date(0);
    const v = { b: 1, a: [{ x: 'y' }, null, 2], u: undefined, d, n: { m: { k: true } } };
    const c = cloneJson(v);
    expect(c).toEqual(v);
    expect(Object.keys(c)).toEqual(Object.keys(v));
    expect('u' in c).toBe(true);
    expect(c.a).not.toBe(v.a);
    expect(c.a[0]).not.toBe(v.a[0]);
    expect(c.n.m).not.toBe(v.n.m);
    expect(c.d).toBeInstanceOf(Date);
    expect(c.d).not.toBe(d);
    expect(c.d.getTime()).toBe(0);
  });

  it('keeps a "__proto__" key as data', () => {
    const v = JSON.parse('{"__proto__": {"polluted": 1}, "a": 1}');
    const c = cloneJson(v);
    expect(JSON.stringify(c)).toBe(JSON.stringify(v));
    expect(Object.getPrototypeOf(c)).toBe(Object.prototype);
  });

  it('agrees with comparing JSON', () => {
    const cases: [unknown, unknown][] = [
      [
        { a: 1, b: [1, 2] },
        { a: 1, b: [1, 2] },
      ],
      [
        { a: 1, b: 2 },
        { b: 2, a: 1 },
      ], // key order differs: the JSON differs
      [{ a: 1, u: undefined }, { a: 1 }], // undefined is left out of JSON
      [[undefined], [null]],
      [{ a: [1, { b: 'x' }] }, { a: [1, { b: 'y' }] }],
      [undefined, {}],
      [undefined, undefined],
      [null, {}],
      [1, '1'],
      [{ a: NaN }, { a: null }],
      [[1, 2], { 0: 1, 1: 2 }],
    ];
    for (const [a, b] of cases)
      expect(sameJson(a, b), JSON.stringify([a, b])).toBe(JSON.stringify(a) === JSON.stringify(b));
    expect(sameTree({ a: 1, u: undefined }, { a: 1 })).toBe(false);
    expect(sameTree({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
  });
});

describe('draftOf / settle', () => {
  it('copies a field when it is first read, not when it is replaced, and shares what was not changed', () => {
    const orig = {
      kind: 'X',
      metadata: { name: 'a' },
      spec: { n: [1] },
      status: { s: { deep: 1 } },
      data: { k: 'v' },
      extra: { e: 1 },
    };
    const d = draftOf(orig, 'metadata');
    expect(d.metadata).not.toBe(orig.metadata);
    const spec = d.spec;
    expect(spec).toEqual(orig.spec);
    expect(spec).not.toBe(orig.spec);
    expect(d.spec).toBe(spec); // copied once
    spec.n.push(2);
    d.status = { s: { deep: 2 } };
    void d.data; // read, left as it was
    delete (d as Partial<typeof d>).extra;
    (d as Record<string, unknown>).added = 1;
    const out = settle(d, orig, 'metadata');
    expect(Object.keys(out)).toEqual(['kind', 'metadata', 'spec', 'status', 'data', 'added']);
    expect(out.metadata).not.toBe(orig.metadata); // never shared: the store writes resourceVersion into it
    expect(out.metadata).toEqual(orig.metadata);
    expect(out.spec).toEqual({ n: [1, 2] });
    expect(out.status).toEqual({ s: { deep: 2 } });
    expect(out.data).toBe(orig.data);
    expect(orig).toEqual({
      kind: 'X',
      metadata: { name: 'a' },
      spec: { n: [1] },
      status: { s: { deep: 1 } },
      data: { k: 'v' },
      extra: { e: 1 },
    });
    expect(Object.getOwnPropertyDescriptor(out, 'spec')?.get).toBeUndefined();
  });
});

describe('ObjectStore multi-value index', () => {
  it('lists an object under each of its values and follows changes and removal', () => {
    const s = new ObjectStore();
    s.addIndex('pods', 'labels', byLabel);
    s.create('pods', pod('a', { app: 'web', tier: 'front' }));
    s.create('pods', pod('b', { app: 'web' }));
    s.create('pods', pod('c', { app: 'db' }));
    expect(names(s.byIndex('pods', 'labels', 'app=web'))).toEqual(['a', 'b']);
    expect(names(s.byIndex('pods', 'labels', 'tier=front'))).toEqual(['a']);

    s.mutate('pods', 'ns', 'a', (d) => {
      d.metadata.labels = { app: 'db' };
    });
    expect(names(s.byIndex('pods', 'labels', 'app=web'))).toEqual(['b']);
    expect(names(s.byIndex('pods', 'labels', 'tier=front'))).toEqual([]);
    expect(names(s.byIndex('pods', 'labels', 'app=db'))).toEqual(['c', 'a']); // in order of last write

    s.remove('pods', 'ns', 'c');
    expect(names(s.byIndex('pods', 'labels', 'app=db'))).toEqual(['a']);
  });

  it('indexes objects stored before the index was added, and after a reload', () => {
    const s = new ObjectStore();
    s.create('pods', pod('a', { app: 'web' }));
    s.addIndex('pods', 'labels', byLabel);
    expect(names(s.byIndex('pods', 'labels', 'app=web'))).toEqual(['a']);
    s.reload([{ resource: 'pods', obj: pod('z', { app: 'web', x: 'y' }) }]);
    expect(names(s.byIndex('pods', 'labels', 'app=web'))).toEqual(['z']);
    expect(names(s.byIndex('pods', 'labels', 'x=y'))).toEqual(['z']);
  });
});

describe('ObjectStore.mutate', () => {
  it('hands out a deep copy and never changes the stored object', () => {
    const s = new ObjectStore();
    const before = s.create('pods', pod('a', { app: 'web' }));
    const json = JSON.stringify(before);
    s.mutate('pods', 'ns', 'a', (d) => {
      d.spec.containers[0].image = 'a:2';
      d.metadata.labels!.app = 'api';
      d.status.phase = 'Running';
    });
    expect(JSON.stringify(before)).toBe(json);
    const after = s.get('pods', 'ns', 'a')!;
    expect(after.spec.containers[0].image).toBe('a:2');
    expect(after.metadata.labels).toEqual({ app: 'api' });
  });

  it('shares unchanged fields other than metadata with the previous version, and bumps generation only on spec changes', () => {
    const s = new ObjectStore();
    const v1 = s.create('pods', pod('a', { app: 'web' }));
    expect(v1.metadata.generation).toBe(1);
    const v2 = s.mutate('pods', 'ns', 'a', (d) => {
      d.status = { phase: 'Running' };
    })!;
    expect(v2).not.toBe(v1);
    expect(v2.spec).toBe(v1.spec);
    expect(v2.metadata).not.toBe(v1.metadata);
    expect(v2.metadata.generation).toBe(1);
    expect(Number(v2.metadata.resourceVersion)).toBeGreaterThan(Number(v1.metadata.resourceVersion));
    expect(v1.metadata.resourceVersion).not.toBe(v2.metadata.resourceVersion); // the old version's metadata is untouched

    const v3 = s.mutate('pods', 'ns', 'a', (d) => {
      d.spec.containers[0].image = 'a:2';
    })!;
    expect(v3.spec).not.toBe(v2.spec);
    expect(v3.status).toBe(v2.status);
    expect(v3.metadata.generation).toBe(2);
    expect(v2.spec.containers[0].image).toBe('a:1');
  });

  it('returns the stored object untouched when fn says there is nothing to do', () => {
    const s = new ObjectStore();
    const v1 = s.create('pods', pod('a', { app: 'web' }));
    const rv = s.resourceVersion;
    expect(s.mutate('pods', 'ns', 'a', () => false)).toBe(v1);
    expect(s.resourceVersion).toBe(rv);
  });
});

describe('ObjectStore.update generation', () => {
  it('compares specs as JSON: an equal copy keeps the generation, a reordered or changed one bumps it', () => {
    const s = new ObjectStore();
    const v1 = s.create('pods', pod('a', {}, { a: 1, b: [1, 2] }));
    const same = s.update('pods', { ...v1, metadata: { ...v1.metadata }, spec: { a: 1, b: [1, 2], u: undefined } });
    expect(same.metadata.generation).toBe(1);
    const reordered = s.update('pods', { ...same, metadata: { ...same.metadata }, spec: { b: [1, 2], a: 1 } });
    expect(reordered.metadata.generation).toBe(2);
    const changed = s.update('pods', { ...reordered, metadata: { ...reordered.metadata }, spec: { b: [1, 3], a: 1 } });
    expect(changed.metadata.generation).toBe(3);
  });
});
