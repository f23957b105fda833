/**
 * The removed-API table and its lookups: what a (multi-hop) upgrade removes, what a cluster serves, and what
 * to migrate to.
 */
import { describe, expect, it } from 'vitest';
import { REMOVED_APIS, findRemovedApi, isServed, removedBetween, replacementFor } from '../../../src/plan/index.js';

const key = (gv: string, kind: string): string => `${gv} ${kind}`;
const keysBetween = (from: number, to: number): string[] =>
  removedBetween(from, to).flatMap((api) => api.kinds.map((k) => key(api.groupVersion, k)));

describe('removedBetween', () => {
  it.each([
    {
      name: '1.24 → 1.25 includes policy/v1beta1 PodDisruptionBudget',
      from: 24,
      to: 25,
      includes: [
        key('policy/v1beta1', 'PodDisruptionBudget'),
        key('batch/v1beta1', 'CronJob'),
        key('policy/v1beta1', 'PodSecurityPolicy'),
      ],
      excludes: [key('autoscaling/v2beta2', 'HorizontalPodAutoscaler')],
    },
    {
      name: '1.31 → 1.32 includes flowcontrol v1beta3',
      from: 31,
      to: 32,
      includes: [
        key('flowcontrol.apiserver.k8s.io/v1beta3', 'FlowSchema'),
        key('flowcontrol.apiserver.k8s.io/v1beta3', 'PriorityLevelConfiguration'),
      ],
      excludes: [key('flowcontrol.apiserver.k8s.io/v1beta2', 'FlowSchema')],
    },
    {
      name: 'every hop of 1.25 → 1.29 counts',
      from: 25,
      to: 29,
      includes: [
        key('flowcontrol.apiserver.k8s.io/v1beta1', 'FlowSchema'),
        key('autoscaling/v2beta2', 'HorizontalPodAutoscaler'),
        key('storage.k8s.io/v1beta1', 'CSIStorageCapacity'),
        key('flowcontrol.apiserver.k8s.io/v1beta2', 'PriorityLevelConfiguration'),
      ],
      excludes: [key('policy/v1beta1', 'PodDisruptionBudget')],
    },
    {
      name: '1.21 → 1.22 has the big v1beta1 cleanup',
      from: 21,
      to: 22,
      includes: [
        key('networking.k8s.io/v1beta1', 'Ingress'),
        key('extensions/v1beta1', 'Ingress'),
        key('apiextensions.k8s.io/v1beta1', 'CustomResourceDefinition'),
      ],
      excludes: [key('storage.k8s.io/v1beta1', 'CSIStorageCapacity')],
    },
  ])('$name', ({ from, to, includes, excludes }) => {
    const found = keysBetween(from, to);
    for (const k of includes) expect(found).toContain(k);
    for (const k of excludes) expect(found).not.toContain(k);
  });

  it.each([
    { name: 'a patch upgrade', from: 31, to: 31 },
    { name: 'releases with no removals', from: 32, to: 33 },
  ])('is empty for $name', ({ from, to }) => {
    expect(removedBetween(from, to).filter((api) => api.source === 'deprecation-guide')).toEqual([]);
  });

  it('orders by removal then group-version', () => {
    const removals = removedBetween(15, 40).map((api) => api.removedIn);
    expect(removals).toEqual([...removals].sort((a, b) => a - b));
  });
});

describe('the table', () => {
  it('names the replacement and deprecation of policy/v1beta1 PodDisruptionBudget', () => {
    expect(findRemovedApi('policy/v1beta1', 'PodDisruptionBudget')).toMatchObject({
      group: 'policy',
      version: 'v1beta1',
      removedIn: 25,
      deprecatedIn: 22,
      replacements: [{ groupVersion: 'policy/v1', availableSince: 21 }],
    });
  });

  it('splits a multi-version row into one row per group-version', () => {
    const deployments = REMOVED_APIS.filter((api) => api.kinds.includes('Deployment')).map((api) => api.groupVersion);
    expect(deployments).toEqual(['extensions/v1beta1', 'apps/v1beta1', 'apps/v1beta2']);
  });

  it('does not list apps/v1beta1 ReplicaSet, which never existed', () => {
    expect(findRemovedApi('apps/v1beta1', 'ReplicaSet')).toBeUndefined();
  });
});

describe('isServed', () => {
  it.each([
    { name: 'PDB v1beta1 on 1.24', gv: 'policy/v1beta1', kind: 'PodDisruptionBudget', minor: 24, want: true },
    { name: 'PDB v1beta1 on 1.25', gv: 'policy/v1beta1', kind: 'PodDisruptionBudget', minor: 25, want: false },
    {
      name: 'PDB v1 on 1.20 (before it existed)',
      gv: 'policy/v1',
      kind: 'PodDisruptionBudget',
      minor: 20,
      want: false,
    },
    { name: 'PDB v1 on 1.21', gv: 'policy/v1', kind: 'PodDisruptionBudget', minor: 21, want: true },
    {
      name: 'flowcontrol v1beta3 on 1.31',
      gv: 'flowcontrol.apiserver.k8s.io/v1beta3',
      kind: 'FlowSchema',
      minor: 31,
      want: true,
    },
    {
      name: 'flowcontrol v1beta3 on 1.32',
      gv: 'flowcontrol.apiserver.k8s.io/v1beta3',
      kind: 'FlowSchema',
      minor: 32,
      want: false,
    },
    { name: 'a core kind the table does not know', gv: 'v1', kind: 'ConfigMap', minor: 32, want: true },
    { name: 'a custom resource', gv: 'example.com/v1', kind: 'Widget', minor: 35, want: true },
  ])('$name', ({ gv, kind, minor, want }) => {
    expect(isServed(gv, kind, minor)).toBe(want);
  });
});

describe('replacementFor', () => {
  it.each([
    { name: 'PDB v1beta1', gv: 'policy/v1beta1', kind: 'PodDisruptionBudget', at: undefined, want: 'policy/v1' },
    {
      name: 'flowcontrol v1beta1 on a 1.26 cluster',
      gv: 'flowcontrol.apiserver.k8s.io/v1beta1',
      kind: 'FlowSchema',
      at: 26,
      want: 'flowcontrol.apiserver.k8s.io/v1beta3',
    },
    {
      name: 'flowcontrol v1beta1 in the long run',
      gv: 'flowcontrol.apiserver.k8s.io/v1beta1',
      kind: 'FlowSchema',
      at: undefined,
      want: 'flowcontrol.apiserver.k8s.io/v1',
    },
    {
      name: 'flowcontrol v1beta3 on 1.32',
      gv: 'flowcontrol.apiserver.k8s.io/v1beta3',
      kind: 'PriorityLevelConfiguration',
      at: 32,
      want: 'flowcontrol.apiserver.k8s.io/v1',
    },
    {
      name: 'PodSecurityPolicy (none)',
      gv: 'policy/v1beta1',
      kind: 'PodSecurityPolicy',
      at: undefined,
      want: undefined,
    },
    {
      name: 'extensions PodSecurityPolicy on 1.25 (its replacement is gone too)',
      gv: 'extensions/v1beta1',
      kind: 'PodSecurityPolicy',
      at: 25,
      want: undefined,
    },
    { name: 'an API that was never removed', gv: 'apps/v1', kind: 'Deployment', at: undefined, want: undefined },
  ])('$name', ({ gv, kind, at, want }) => {
    expect(replacementFor(gv, kind, at)?.groupVersion).toBe(want);
  });
});
