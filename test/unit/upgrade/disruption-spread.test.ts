/**
 * The rolling window's choice of the next node: nodes whose drains would queue behind the budgets that the
 * nodes in flight are spending wait; plan order otherwise; resumed nodes first; nothing skipped or repeated.
 */
import { describe, expect, it } from 'vitest';
import { DisruptionSpread, type NodeDisruption } from '../../../src/upgrade/run/disruption-spread.js';
import { disruptionSpreadOf } from '../../../src/upgrade/run/disruption-placement.js';
import { runRolling } from '../../../src/upgrade/run/window.js';
import type { PdbInfo, PodInfo } from '../../../src/cluster/index.js';

const d = (pdbs: Record<string, number>, controllers: Record<string, number> = {}): NodeDisruption => ({
  pdbs: new Map(Object.entries(pdbs)),
  controllers: new Map(Object.entries(controllers)),
});

describe('DisruptionSpread', () => {
  it('keeps plan order while nothing is shared', () => {
    const s = new DisruptionSpread(
      new Map([
        ['a', d({ 'ns/p1': 1 })],
        ['b', d({ 'ns/p2': 1 })],
      ]),
      new Map([
        ['ns/p1', 1],
        ['ns/p2', 1],
      ]),
      8,
    );
    s.start('a');
    expect(s.pick(['b', 'c'])).toBe(0);
  });

  it('skips a node whose pods need a budget the window already spends, within the look-ahead', () => {
    const nodes = new Map([
      ['n1', d({ 'ns/web': 1 })],
      ['n2', d({ 'ns/web': 1 })],
      ['n3', d({ 'ns/db': 1 })],
    ]);
    const s = new DisruptionSpread(
      nodes,
      new Map([
        ['ns/web', 1],
        ['ns/db', 1],
      ]),
      8,
    );
    s.start('n1');
    expect(s.pick(['n2', 'n3'])).toBe(1); // n2 would wait for n1's web pod to be replaced
    s.finish('n1');
    expect(s.pick(['n2', 'n3'])).toBe(0); // budget free again: plan order
  });

  it('lets a budget that allows several disruptions take that many nodes at once', () => {
    const nodes = new Map([
      ['n1', d({ 'ns/web': 1 })],
      ['n2', d({ 'ns/web': 1 })],
      ['n3', d({ 'ns/web': 1 })],
      ['n4', d({})],
    ]);
    const s = new DisruptionSpread(nodes, new Map([['ns/web', 2]]), 8);
    s.start('n1');
    expect(s.pick(['n2', 'n3', 'n4'])).toBe(0);
    s.start('n2');
    expect(s.pick(['n3', 'n4'])).toBe(1);
  });

  it('prefers, among equals, the node sharing fewer controllers with the window, and looks only so far ahead', () => {
    const nodes = new Map([
      ['n1', d({}, { rs1: 2 })],
      ['n2', d({}, { rs1: 1 })],
      ['n3', d({}, { rs2: 1 })],
      ['n4', d({}, { rs3: 1 })],
    ]);
    const s = new DisruptionSpread(nodes, new Map(), 2);
    s.start('n1');
    expect(s.pick(['n2', 'n3', 'n4'])).toBe(1);
    const narrow = new DisruptionSpread(nodes, new Map(), 1);
    narrow.start('n1');
    expect(narrow.pick(['n2', 'n3'])).toBe(0); // look-ahead of one: plan order
  });
});

describe('DisruptionSpread, live budgets and a refreshed placement', () => {
  it('holds back a node whose budget allows nothing right now, even with nothing in flight', () => {
    const nodes = new Map([
      ['n1', d({ 'ns/web': 1 })],
      ['n2', d({ 'ns/db': 1 })],
    ]);
    const live = new Map([['ns/web', 0]]);
    const s = new DisruptionSpread(
      nodes,
      new Map([
        ['ns/web', 1],
        ['ns/db', 1],
      ]),
      8,
      (k) => live.get(k),
    );
    expect(s.pick(['n1', 'n2'])).toBe(1);
    live.set('ns/web', 1);
    expect(s.pick(['n1', 'n2'])).toBe(0);
  });

  it('uses a refreshed placement for the next picks and releases what a node was counted for when it started', () => {
    const s = new DisruptionSpread(
      new Map([
        ['n1', d({ 'ns/web': 1 })],
        ['n2', d({})],
        ['n3', d({})],
      ]),
      new Map([['ns/web', 1]]),
      8,
    );
    s.start('n1');
    // Evicted web pods have landed on n2 meanwhile.
    s.refresh(
      new Map([
        ['n1', d({})],
        ['n2', d({ 'ns/web': 1 })],
        ['n3', d({})],
      ]),
      new Map([['ns/web', 1]]),
    );
    expect(s.pick(['n2', 'n3'])).toBe(1); // n1 still counts its web pod until it finishes
    s.finish('n1');
    expect(s.pick(['n2', 'n3'])).toBe(0);
  });
});

describe('runRolling with a chooser', () => {
  it('runs every item exactly once, never more than the window at a time, in the chooser order', async () => {
    const started: string[] = [];
    let inFlight = 0;
    let max = 0;
    const items = ['a', 'b', 'c', 'd', 'e', 'f'];
    await runRolling(
      items,
      2,
      async (x) => {
        started.push(x);
        inFlight++;
        max = Math.max(max, inFlight);
        await new Promise((r) => setTimeout(r, 2));
        inFlight--;
      },
      () => false,
      { pick: (w) => w.length - 1, start: () => undefined, finish: () => undefined },
    );
    expect([...started].sort()).toEqual(items);
    expect(started.slice(0, 2)).toEqual(['f', 'e']);
    expect(max).toBe(2);
  });
});

const pod = (name: string, node: string, labels: Record<string, string>, extra: Partial<PodInfo> = {}): PodInfo => ({
  namespace: 'shop',
  name,
  uid: `uid-${name}`,
  nodeName: node,
  labels,
  controller: { kind: 'ReplicaSet', name: `rs-${labels.app}`, uid: `rs-${labels.app}`, apiVersion: 'apps/v1' },
  mirror: false,
  phase: 'Running',
  ready: true,
  terminating: false,
  requests: { cpuMilli: 0, memoryBytes: 0, pods: 1 },
  emptyDirVolumes: [],
  nodeSelector: {},
  tolerations: [],
  images: [],
  ...extra,
});

const pdb = (name: string, app: string, status: Partial<PdbInfo> = {}): PdbInfo => ({
  namespace: 'shop',
  name,
  selector: { matchLabels: { app } },
  maxUnavailable: 1,
  disruptionsAllowed: 1,
  currentHealthy: 3,
  desiredHealthy: 2,
  expectedPods: 3,
  current: true,
  ...status,
});

describe('disruptionSpreadOf', () => {
  it('counts the evicted pods of each node per budget (DaemonSet and mirror pods excluded) and uses the controller numbers', () => {
    const pods = [
      pod('web-1', 'n1', { app: 'web' }),
      pod('web-2', 'n2', { app: 'web' }),
      pod('web-3', 'n9', { app: 'web' }), // not in the phase
      pod('db-1', 'n3', { app: 'db' }),
      pod(
        'ds-1',
        'n2',
        { app: 'web' },
        { controller: { kind: 'DaemonSet', name: 'ds', uid: 'ds', apiVersion: 'apps/v1' } },
      ),
    ];
    const s = disruptionSpreadOf(
      pods,
      [pdb('web', 'web'), pdb('db', 'db', { expectedPods: 1, desiredHealthy: 1 })],
      ['n1', 'n2', 'n3'],
      2,
    );
    s.start('n1');
    expect(s.pick(['n2', 'n3'])).toBe(1); // web allows 1 and n1 holds it
    s.finish('n1');
    s.start('n3');
    expect(s.pick(['n1', 'n2'])).toBe(0); // db is n3's alone; web is free
  });
});
