/**
 * The version path: control-plane hops one minor at a time, worker hops as few as the skew policy allows,
 * and the skew policy holding after every step.
 */
import { describe, expect, it } from 'vitest';
import {
  DowngradeRefusedError,
  NoSafePathError,
  PlanInputError,
  computeVersionPath,
  kubeletMinorRange,
  makeVersion,
  parseReportedVersion as v,
  parseTargetVersion,
  type KubeVersion,
  type VersionPath,
  type VersionPathInput,
} from '../../../src/plan/index.js';

const input = (
  controlPlane: string[],
  kubelets: Record<string, string>,
  target: string,
  intermediatePatches?: Record<number, number>,
): VersionPathInput => ({
  controlPlane: controlPlane.map(v),
  kubelets: Object.entries(kubelets).map(([node, version]) => ({ node, version: v(version) })),
  target: parseTargetVersion(target),
  ...(intermediatePatches ? { intermediatePatches } : {}),
});

/** One line per step: "control-plane v1.28.0" or "workers v1.30.0 w1,w2". */
const lines = (path: VersionPath): string[] =>
  path.steps.map((s) =>
    s.kind === 'control-plane'
      ? `control-plane ${s.to.raw}`
      : `workers ${s.to.raw} ${s.nodes.map((n) => n.node).join(',')}`,
  );

describe('computeVersionPath', () => {
  it.each([
    {
      name: '1.27 → 1.31 with kubelets at 1.27: four control-plane hops, workers move once before 1.31',
      path: input(['v1.27.3'], { w1: 'v1.27.3', w2: 'v1.27.3' }, 'v1.31.4'),
      want: [
        'control-plane v1.28.0',
        'control-plane v1.29.0',
        'control-plane v1.30.0',
        'workers v1.30.0 w1,w2',
        'control-plane v1.31.4',
        'workers v1.31.4 w1,w2',
      ],
    },
    {
      name: '1.27 → 1.31 with kubelets at 1.28: workers skip straight to the target (1.28.2 is known to exist)',
      path: input(['v1.27.3'], { w1: 'v1.28.2' }, 'v1.31.4'),
      want: [
        'control-plane v1.28.2',
        'control-plane v1.29.0',
        'control-plane v1.30.0',
        'control-plane v1.31.4',
        'workers v1.31.4 w1',
      ],
    },
    {
      name: 'kubelets at 1.25 must move before the control plane passes 1.28',
      path: input(['v1.27.3'], { w1: 'v1.25.16' }, 'v1.31.4'),
      want: [
        'control-plane v1.28.0',
        'workers v1.28.0 w1',
        'control-plane v1.29.0',
        'control-plane v1.30.0',
        'control-plane v1.31.4',
        'workers v1.31.4 w1',
      ],
    },
    {
      name: 'kubelets at 1.25 and 1.26 share one intermediate hop',
      path: input(['v1.27.3'], { a: 'v1.25.16', b: 'v1.26.9' }, 'v1.31.4'),
      want: [
        'control-plane v1.28.0',
        'workers v1.28.0 a,b',
        'control-plane v1.29.0',
        'control-plane v1.30.0',
        'control-plane v1.31.4',
        'workers v1.31.4 a,b',
      ],
    },
    {
      name: 'only the kubelets that must move take the intermediate hop',
      path: input(['v1.27.3'], { old: 'v1.27.3', fresh: 'v1.30.1' }, 'v1.31.4'),
      want: [
        'control-plane v1.28.0',
        'control-plane v1.29.0',
        'control-plane v1.30.1',
        'workers v1.30.1 old',
        'control-plane v1.31.4',
        'workers v1.31.4 fresh,old',
      ],
    },
    {
      name: 'patch-only upgrade: one hop for each side; nodes at the target are left alone',
      path: input(['v1.31.1', 'v1.31.1'], { w1: 'v1.31.1', w2: 'v1.31.4' }, 'v1.31.4'),
      want: ['control-plane v1.31.4', 'workers v1.31.4 w1'],
    },
    {
      name: 'HA with mixed apiservers starts from the oldest; the newer ones skip the first hop',
      path: input(['v1.27.3', 'v1.28.5', 'v1.28.5'], { w1: 'v1.28.5' }, 'v1.31.4'),
      want: [
        'control-plane v1.28.5',
        'control-plane v1.29.0',
        'control-plane v1.30.0',
        'control-plane v1.31.4',
        'workers v1.31.4 w1',
      ],
    },
    {
      name: 'kubelets already three behind move before the only hop',
      path: input(['v1.30.2'], { w1: 'v1.27.16' }, 'v1.31.4'),
      want: ['workers v1.30.2 w1', 'control-plane v1.31.4', 'workers v1.31.4 w1'],
    },
    {
      name: 'before 1.28 kubelets may only lag two minors',
      path: input(['v1.24.17'], { w1: 'v1.24.17' }, 'v1.27.3'),
      want: [
        'control-plane v1.25.0',
        'control-plane v1.26.0',
        'workers v1.26.0 w1',
        'control-plane v1.27.3',
        'workers v1.27.3 w1',
      ],
    },
    {
      name: 'from 1.28 a 1.25 kubelet may wait three minors',
      path: input(['v1.25.16'], { w1: 'v1.25.16' }, 'v1.28.15'),
      want: ['control-plane v1.26.0', 'control-plane v1.27.0', 'control-plane v1.28.15', 'workers v1.28.15 w1'],
    },
    {
      name: 'supplied intermediate patches are used for the hops in between',
      path: input(['v1.28.3'], { w1: 'v1.28.3' }, 'v1.31.4', { 29: 12, 30: 8 }),
      want: ['control-plane v1.29.12', 'control-plane v1.30.8', 'control-plane v1.31.4', 'workers v1.31.4 w1'],
    },
    {
      name: 'everything already at the target: nothing to do',
      path: input(['v1.31.4'], { w1: 'v1.31.4' }, 'v1.31.4'),
      want: [],
    },
    {
      name: 'a control plane without workers',
      path: input(['v1.29.1'], {}, 'v1.30.2'),
      want: ['control-plane v1.30.2'],
    },
  ])('$name', ({ path, want }) => {
    const result = computeVersionPath(path);
    expect(lines(result)).toEqual(want);
    expectSkewHoldsThroughout(path, result);
  });

  it('says which apiservers each hop upgrades', () => {
    const path = computeVersionPath(input(['v1.27.3', 'v1.28.5'], {}, 'v1.29.1'));
    expect(path.steps.map((s) => (s.kind === 'control-plane' ? s.upgrading.map((u) => u.raw) : []))).toEqual([
      ['v1.27.3'],
      ['v1.28.5', 'v1.28.5'],
    ]);
  });

  it('summarises the hops', () => {
    const { summary, from, to } = computeVersionPath(input(['v1.27.3'], { w1: 'v1.27.3', w2: 'v1.31.4' }, 'v1.31.4'));
    expect({ from: from.raw, to: to.raw }).toEqual({ from: 'v1.27.3', to: 'v1.31.4' });
    expect(summary).toMatchObject({ controlPlaneHops: 4, workerHops: 2, nodeUpgrades: 2, nodesAtTarget: ['w2'] });
    expect(summary.text).toContain('control plane v1.27.3 → v1.31.4 in 4 hop(s)');
  });

  it.each([
    {
      name: 'an older target than the apiserver',
      path: input(['v1.31.2'], {}, 'v1.30.5'),
      newer: ['kube-apiserver at v1.31.2'],
    },
    {
      name: 'an older patch than the apiserver',
      path: input(['v1.31.2'], {}, 'v1.31.1'),
      newer: ['kube-apiserver at v1.31.2'],
    },
    {
      name: 'a kubelet ahead of the target',
      path: input(['v1.30.1'], { w9: 'v1.30.6' }, 'v1.30.4'),
      newer: ['kubelet on w9 at v1.30.6'],
    },
  ])('refuses a downgrade: $name', ({ path, newer }) => {
    const run = (): unknown => computeVersionPath(path);
    expect(run).toThrow(DowngradeRefusedError);
    expect(run).toThrow(expect.objectContaining({ code: 'DOWNGRADE_REFUSED' }));
    for (const n of newer) expect(run).toThrow(n);
  });

  it('refuses when apiservers are too far apart for any kubelet to fit', () => {
    const run = (): unknown => computeVersionPath(input(['v1.24.0', 'v1.27.0'], { w1: 'v1.24.0' }, 'v1.27.0'));
    expect(run).toThrow(NoSafePathError);
    expect(run).toThrow(/within one minor/);
  });

  it.each([
    {
      name: 'no apiservers',
      path: { ...input(['v1.30.0'], {}, 'v1.31.0'), controlPlane: [] },
      message: /kube-apiserver/,
    },
    {
      name: 'a bad intermediate patch',
      path: input(['v1.29.0'], {}, 'v1.31.0', { 30: -1 }),
      message: /intermediatePatches\[30\]/,
    },
  ])('refuses $name', ({ path, message }) => {
    expect(() => computeVersionPath(path)).toThrow(PlanInputError);
    expect(() => computeVersionPath(path)).toThrow(message);
  });

  it('keeps the skew policy and uses the fewest worker hops over a grid of starting points', () => {
    for (let cp = 24; cp <= 31; cp += 1) {
      const { min, max } = kubeletMinorRange([cp]);
      const minors = Array.from({ length: max - min + 1 }, (_, i) => min + i);
      for (let target = cp; target <= 33; target += 1) {
        for (let mask = 1; mask < 1 << minors.length; mask += 1) {
          const chosen = minors.filter((_, i) => mask & (1 << i));
          const kubelets = Object.fromEntries(chosen.map((k) => [`n${k}`, `v1.${k}.1`]));
          const path = input([`v1.${cp}.1`], kubelets, `v1.${target}.2`);
          const result = computeVersionPath(path);
          expectSkewHoldsThroughout(path, result);
          expect(result.summary.workerHops, `cp 1.${cp}, target 1.${target}, kubelets ${chosen.join(',')}`).toBe(
            fewestWorkerHops(cp, target, chosen),
          );
        }
      }
    }
  });
});

/**
 * Brute force (0-1 BFS) over every order of control-plane hops and worker hops, where a worker hop may move any
 * subset of the kubelets to any allowed minor: the fewest worker hops that reach the target. Versions are
 * minor * 100 + patch; the cluster starts at patch 1 and the target is patch 2, so every kubelet moves at least once.
 */
function fewestWorkerHops(cp: number, target: number, kubeletMinors: readonly number[]): number {
  const hops = target === cp ? [target] : Array.from({ length: target - cp }, (_, i) => cp + 1 + i);
  const goal = target * 100 + 2;
  const key = (hop: number, ks: readonly number[]): string => `${hop}|${[...ks].sort((a, b) => a - b).join(',')}`;
  const queue: { hop: number; ks: number[]; cost: number }[] = [
    { hop: 0, ks: kubeletMinors.map((k) => k * 100 + 1), cost: 0 },
  ];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const { hop, ks, cost } = queue.shift() as { hop: number; ks: number[]; cost: number };
    if (seen.has(key(hop, ks))) continue;
    seen.add(key(hop, ks));
    const current = hop === 0 ? cp : (hops[hop - 1] as number);
    if (hop === hops.length && ks.every((k) => k === goal)) return cost;
    const next = hops[hop];
    if (next !== undefined) {
      const { min } = kubeletMinorRange([current, next]);
      if (ks.every((k) => Math.floor(k / 100) >= min)) queue.unshift({ hop: hop + 1, ks, cost });
    }
    const { min } = kubeletMinorRange([current]);
    const values = [...new Set(ks)];
    for (let to = min; to <= current; to += 1) {
      const version = to * 100 + (hop === hops.length && to === target ? 2 : 0);
      for (let mask = 1; mask < 1 << values.length; mask += 1) {
        const moving = values.filter((_, i) => mask & (1 << i));
        if (moving.some((k) => k >= version)) continue;
        queue.push({ hop, ks: ks.map((k) => (moving.includes(k) ? version : k)), cost: cost + 1 });
      }
    }
  }
  throw new Error('no path found');
}

/** Replays the steps and checks every kubelet against the apiservers serving during each of them. */
function expectSkewHoldsThroughout(start: VersionPathInput, path: VersionPath): void {
  let apiservers: KubeVersion[] = [...start.controlPlane];
  const kubelets = new Map(start.kubelets.map((k) => [k.node, k.version.minor]));
  for (const step of path.steps) {
    if (step.kind === 'control-plane') {
      const serving = [...apiservers.map((a) => a.minor), step.to.minor];
      const { min } = kubeletMinorRange(serving);
      for (const [node, minor] of kubelets) expect(minor, `${node} during ${step.to.raw}`).toBeGreaterThanOrEqual(min);
      apiservers = apiservers.map((a) => (a.minor < step.to.minor || a.patch < step.to.patch ? step.to : a));
    } else {
      const { min, max } = kubeletMinorRange(apiservers.map((a) => a.minor));
      expect(step.to.minor).toBeLessThanOrEqual(max);
      expect(step.to.minor).toBeGreaterThanOrEqual(min);
      for (const n of step.nodes) kubelets.set(n.node, step.to.minor);
    }
  }
  expect(apiservers.every((a) => a.minor === start.target.minor)).toBe(true);
  expect([...kubelets.values()].every((m) => m === start.target.minor)).toBe(true);
  expect(makeVersion(start.target.minor).minor).toBe(path.to.minor);
}
