/**
 * Status conditions (lookup, Ready, the not-Ready reason) and owner references (the controller reference, a
 * ReplicaSet's Deployment, a pod's top owner), table-driven over objects shaped as the API serves them.
 */
import { describe, expect, it } from 'vitest';
import {
  controllerOf,
  deploymentOf,
  findCondition,
  isConditionTrue,
  isReady,
  notReadyReason,
  topOwnerOf,
  type Condition,
} from '../../../src/kube/index.js';

const withConditions = (...conditions: Condition[]) => ({ status: { conditions } });

describe('conditions', () => {
  it('finds a condition by type, the first of two', () => {
    const first = { type: 'Ready', status: 'True' };
    expect(
      findCondition([{ type: 'MemoryPressure', status: 'False' }, first, { type: 'Ready', status: 'False' }], 'Ready'),
    ).toBe(first);
    expect(findCondition([{ type: 'MemoryPressure', status: 'False' }], 'Ready')).toBeUndefined();
    expect(findCondition(undefined, 'Ready')).toBeUndefined();
    expect(findCondition(null, 'Ready')).toBeUndefined();
  });

  it.each([
    { name: 'Ready=True', obj: withConditions({ type: 'Ready', status: 'True' }), ready: true, reason: undefined },
    {
      name: 'Ready=False with a reason and message',
      obj: withConditions({
        type: 'Ready',
        status: 'False',
        reason: 'KubeletNotReady',
        message: 'PLEG is not healthy',
      }),
      ready: false,
      reason: 'KubeletNotReady: PLEG is not healthy',
    },
    {
      name: 'Ready=Unknown without a reason',
      obj: withConditions({ type: 'Ready', status: 'Unknown' }),
      ready: false,
      reason: 'NotReady',
    },
    {
      name: 'Ready=False with an empty reason',
      obj: withConditions({ type: 'Ready', status: 'False', reason: '' }),
      ready: false,
      reason: 'NotReady',
    },
    {
      name: 'status "true" in lower case',
      obj: withConditions({ type: 'Ready', status: 'true' }),
      ready: false,
      reason: 'NotReady',
    },
    {
      name: 'no Ready condition',
      obj: withConditions({ type: 'DiskPressure', status: 'True' }),
      ready: false,
      reason: undefined,
    },
    { name: 'no status at all', obj: {}, ready: false, reason: undefined },
    { name: 'null conditions', obj: { status: { conditions: null } }, ready: false, reason: undefined },
  ])('$name', ({ obj, ready, reason }) => {
    expect(isReady(obj)).toBe(ready);
    expect(notReadyReason(obj)).toBe(reason);
  });

  it('reads any condition type', () => {
    const d = withConditions({ type: 'Available', status: 'True' }, { type: 'Progressing', status: 'False' });
    expect(isConditionTrue(d, 'Available')).toBe(true);
    expect(isConditionTrue(d, 'Progressing')).toBe(false);
    expect(isConditionTrue(d, 'ReplicaFailure')).toBe(false);
  });
});

describe('owner references', () => {
  const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'rs-1' };

  it.each([
    {
      name: 'the controller among several owners',
      refs: [
        { ...rs, kind: 'Other', controller: false },
        { ...rs, controller: true },
      ],
      want: rs,
    },
    { name: 'none when no owner is the controller', refs: [{ ...rs }, { ...rs, controller: false }], want: undefined },
    { name: 'none without owners', refs: [], want: undefined },
    { name: 'none for a missing list', refs: undefined, want: undefined },
  ])('controllerOf: $name', ({ refs, want }) => {
    expect(controllerOf(refs)).toEqual(want);
  });

  it('drops the controller flag from the reference it returns', () => {
    expect(controllerOf([{ ...rs, controller: true }])).not.toHaveProperty('controller');
  });

  it.each([
    {
      name: 'a ReplicaSet of a Deployment',
      w: { kind: 'ReplicaSet', owner: { kind: 'Deployment', name: 'web', uid: 'd-1' } },
      want: 'web',
    },
    {
      name: 'a ReplicaSet of something else',
      w: { kind: 'ReplicaSet', owner: { kind: 'Rollout', name: 'web', uid: 'r-1' } },
      want: undefined,
    },
    { name: 'a bare ReplicaSet', w: { kind: 'ReplicaSet' }, want: undefined },
    {
      name: 'a StatefulSet',
      w: { kind: 'StatefulSet', owner: { kind: 'Deployment', name: 'odd', uid: 'x' } },
      want: undefined,
    },
  ])('deploymentOf: $name', ({ w, want }) => {
    expect(deploymentOf(w)?.name).toBe(want);
  });

  describe('topOwnerOf', () => {
    const workloads = [
      { kind: 'Deployment', namespace: 'shop', name: 'web', replicas: 3 },
      {
        kind: 'ReplicaSet',
        namespace: 'shop',
        name: 'web-abc',
        replicas: 3,
        owner: { kind: 'Deployment', name: 'web', uid: 'd-1' },
      },
      {
        kind: 'ReplicaSet',
        namespace: 'shop',
        name: 'orphan-rs',
        replicas: 2,
        owner: { kind: 'Deployment', name: 'deleted', uid: 'd-2' },
      },
      { kind: 'StatefulSet', namespace: 'shop', name: 'db', replicas: 1 },
    ];
    const lookup = (kind: string, namespace: string, name: string) =>
      workloads.find((w) => w.kind === kind && w.namespace === namespace && w.name === name);
    const podOf = (kind: string, name: string) => ({ namespace: 'shop', controller: { kind, name } });

    it.each([
      {
        name: 'a Deployment’s pod names the Deployment',
        pod: podOf('ReplicaSet', 'web-abc'),
        want: { kind: 'Deployment', namespace: 'shop', name: 'web', replicas: 3 },
      },
      {
        name: 'a Deployment not in the inventory is named without replicas',
        pod: podOf('ReplicaSet', 'orphan-rs'),
        want: { kind: 'Deployment', namespace: 'shop', name: 'deleted' },
      },
      {
        name: 'a StatefulSet’s pod names the StatefulSet',
        pod: podOf('StatefulSet', 'db'),
        want: { kind: 'StatefulSet', namespace: 'shop', name: 'db', replicas: 1 },
      },
      {
        name: 'an unknown controller is named from the reference',
        pod: podOf('Job', 'nightly'),
        want: { kind: 'Job', namespace: 'shop', name: 'nightly' },
      },
      { name: 'a pod without a controller has no owner', pod: { namespace: 'shop' }, want: undefined },
    ])('$name', ({ pod, want }) => {
      expect(topOwnerOf(pod, lookup)).toEqual(want);
    });
  });
});
