/**
 * The version path of an upgrade: the ordered control-plane hops (one minor each, never skipped) and worker
 * hops, chosen so that the skew policy holds at every moment, with as few worker hops as the policy allows.
 *
 * How it decides:
 * 1. The control plane starts from its oldest apiserver and hops 1.(N+1), 1.(N+2), … up to the target; HA
 *    apiservers already at or past a hop's version skip it (`upgrading` lists the ones it moves).
 * 2. Before each hop, every worker kubelet must fit the skew window of the apiservers that will be serving
 *    during that hop (old and new side by side). When one would not, a workers hop is inserted first: kubelets
 *    move to the newest minor allowed right now (the oldest apiserver's), and every kubelet that would
 *    otherwise force another workers hop before that one moves along, so hops are shared.
 * 3. After the control plane reaches the target, every worker below the target moves to it in one last hop.
 *
 * Intermediate hops need a patch release, which cannot be looked up offline: it is `intermediatePatches[minor]`
 * when given, else the highest patch of that minor already running in the cluster, else `.0`. Pass only worker
 * kubelets in `kubelets`: a control-plane node's kubelet is upgraded with its control-plane hop.
 */
import { DowngradeRefusedError, NoSafePathError, PlanInputError } from './errors.js';
import { compareNames } from './ordering.js';
import { kubeletMinorRange, type NodeVersion } from './skew.js';
import { compareVersions, formatMinor, makeVersion, oldestVersion, type KubeVersion } from './versions.js';

export interface VersionPathInput {
  /** The version of each kube-apiserver (HA clusters may be mixed). */
  readonly controlPlane: readonly KubeVersion[];
  /** Worker kubelets. */
  readonly kubelets: readonly NodeVersion[];
  readonly target: KubeVersion;
  /** Patch to use for an intermediate minor, keyed by minor (31 → 1.31.<patch>). */
  readonly intermediatePatches?: Readonly<Record<number, number>>;
}

export const PATH_STEP_KINDS = ['control-plane', 'workers'] as const;
export type PathStepKind = (typeof PATH_STEP_KINDS)[number];

export interface ControlPlaneStep {
  readonly kind: 'control-plane';
  readonly to: KubeVersion;
  /** Current versions of the apiservers this hop upgrades; the others already run `to` or newer. */
  readonly upgrading: readonly KubeVersion[];
}

export const WORKER_STEP_REASONS = ['skew', 'target'] as const;
/** `skew`: an intermediate hop the policy forces; `target`: the final hop. */
export type WorkerStepReason = (typeof WORKER_STEP_REASONS)[number];

export interface WorkersStep {
  readonly kind: 'workers';
  readonly to: KubeVersion;
  readonly reason: WorkerStepReason;
  /** The nodes this hop upgrades with their current versions, by name. */
  readonly nodes: readonly NodeVersion[];
}

export type PathStep = ControlPlaneStep | WorkersStep;

export interface VersionPathSummary {
  readonly controlPlaneHops: number;
  readonly workerHops: number;
  /** Node upgrades over all workers hops (one drain each). */
  readonly nodeUpgrades: number;
  readonly nodesAtTarget: readonly string[];
  readonly text: string;
}

export interface VersionPath {
  /** The oldest apiserver's version. */
  readonly from: KubeVersion;
  readonly to: KubeVersion;
  readonly steps: readonly PathStep[];
  readonly summary: VersionPathSummary;
}

export const computeVersionPath = (input: VersionPathInput): VersionPath => {
  validate(input);
  const { target } = input;
  const versionAt = patchChooser(input);
  const hops = controlPlaneHops(input, versionAt);
  const kubelets = new Map(input.kubelets.map((k) => [k.node, k.version]));
  let apiservers = [...input.controlPlane];
  const steps: PathStep[] = [];
  hops.forEach((hop, i) => {
    const workers = workersBefore(hops, i, apiservers, kubelets, versionAt);
    if (workers) steps.push(workers);
    const upgrading = apiservers.filter((a) => compareVersions(a, hop) < 0);
    steps.push({ kind: 'control-plane', to: hop, upgrading });
    apiservers = apiservers.map((a) => (compareVersions(a, hop) < 0 ? hop : a));
  });
  const last = moveNodes(kubelets, (v) => compareVersions(v, target) < 0, target, 'target');
  if (last) steps.push(last);
  const atTarget = input.kubelets
    .filter((k) => compareVersions(k.version, target) === 0)
    .map((k) => k.node)
    .sort();
  return { from: oldestVersion(input.controlPlane), to: target, steps, summary: summarize(input, steps, atTarget) };
};

const validate = ({ controlPlane, kubelets, target, intermediatePatches = {} }: VersionPathInput): void => {
  if (controlPlane.length === 0) {
    throw new PlanInputError(
      'INVALID_PLAN_INPUT',
      'No kube-apiserver version was given; read them from the kube-apiserver mirror pods and try again.',
    );
  }
  const newer = [
    ...controlPlane
      .filter((v) => compareVersions(v, target) > 0)
      .map((v) => ({ component: 'kube-apiserver' as const, version: v.raw })),
    ...[...kubelets]
      .sort((a, b) => compareNames(a.node, b.node))
      .filter((k) => compareVersions(k.version, target) > 0)
      .map((k) => ({ component: 'kubelet' as const, node: k.node, version: k.version.raw })),
  ];
  if (newer.length > 0) throw new DowngradeRefusedError(target.raw, newer);
  for (const [minor, patch] of Object.entries(intermediatePatches)) {
    if (!Number.isInteger(patch) || patch < 0 || !/^\d+$/.test(minor)) {
      throw new PlanInputError(
        'INVALID_PLAN_INPUT',
        `intermediatePatches[${minor}] = ${patch} is not a patch number; use e.g. { 29: 7 } for v1.29.7.`,
      );
    }
  }
};

/** The version to use for a minor on the way: the target itself, a supplied patch, the highest seen, or .0. */
const patchChooser = (input: VersionPathInput): ((minor: number) => KubeVersion) => {
  const seen = [...input.controlPlane, ...input.kubelets.map((k) => k.version)].filter(
    (v) => v.prerelease === undefined,
  );
  return (minor) => {
    if (minor === input.target.minor) return input.target;
    const supplied = input.intermediatePatches?.[minor];
    if (supplied !== undefined) return makeVersion(minor, supplied);
    const patches = seen.filter((v) => v.minor === minor).map((v) => v.patch);
    return makeVersion(minor, patches.length > 0 ? Math.max(...patches) : 0);
  };
};

/** One hop per minor after the oldest apiserver's, ending at the target; a single patch hop within one minor. */
const controlPlaneHops = (input: VersionPathInput, versionAt: (minor: number) => KubeVersion): KubeVersion[] => {
  const oldest = oldestVersion(input.controlPlane);
  const hops: KubeVersion[] = [];
  for (let minor = oldest.minor + 1; minor <= input.target.minor; minor += 1) hops.push(versionAt(minor));
  const needsPatchHop = input.controlPlane.some((v) => compareVersions(v, input.target) < 0);
  if (hops.length === 0 && needsPatchHop) hops.push(input.target);
  return hops;
};

/** The minors served while hop `i` rolls out: the apiservers before it plus the hop's version. */
const servingDuring = (hops: readonly KubeVersion[], i: number, start: readonly KubeVersion[]): number[] => {
  const floor = i === 0 ? -1 : (hops[i - 1]?.minor ?? -1);
  const hop = hops[i];
  return [...start.map((v) => Math.max(v.minor, floor)), ...(hop ? [hop.minor] : [])];
};

/** A workers hop needed before control-plane hop `i`, or undefined. Mutates `kubelets` when it moves nodes. */
const workersBefore = (
  hops: readonly KubeVersion[],
  i: number,
  apiservers: readonly KubeVersion[],
  kubelets: Map<string, KubeVersion>,
  versionAt: (minor: number) => KubeVersion,
): WorkersStep | undefined => {
  const window = kubeletMinorRange(servingDuring(hops, i, apiservers));
  const tooOld = [...kubelets.values()].some((v) => v.minor < window.min);
  if (!tooOld) return undefined;
  const ceiling = Math.min(...apiservers.map((a) => a.minor));
  if (ceiling < window.min) {
    throw new NoSafePathError(
      `No upgrade order keeps the skew policy: while the control plane moves to ${formatMinor(hops[i] ?? ceiling)}, kubelets must ` +
        `run ${formatMinor(window.min)} or newer but may not be newer than the oldest kube-apiserver (${formatMinor(ceiling)}). ` +
        'Bring the kube-apiservers within one minor of each other by hand first, then plan again.',
    );
  }
  // Also move every kubelet that would otherwise force another workers hop before the moved ones need one.
  let mustReach = window.min;
  for (let j = i + 1; j < hops.length; j += 1) {
    const { min } = kubeletMinorRange(servingDuring(hops, j, apiservers));
    if (min > ceiling) break;
    mustReach = Math.max(mustReach, min);
  }
  return moveNodes(kubelets, (v) => v.minor < mustReach, versionAt(ceiling), 'skew');
};

const moveNodes = (
  kubelets: Map<string, KubeVersion>,
  needs: (v: KubeVersion) => boolean,
  to: KubeVersion,
  reason: WorkerStepReason,
): WorkersStep | undefined => {
  const nodes = [...kubelets.entries()]
    .filter(([, v]) => needs(v))
    .map(([node, version]) => ({ node, version }))
    .sort((a, b) => compareNames(a.node, b.node));
  if (nodes.length === 0) return undefined;
  for (const n of nodes) kubelets.set(n.node, to);
  return { kind: 'workers', to, reason, nodes };
};

const summarize = (
  input: VersionPathInput,
  steps: readonly PathStep[],
  nodesAtTarget: readonly string[],
): VersionPathSummary => {
  const cp = steps.filter((s): s is ControlPlaneStep => s.kind === 'control-plane');
  const workers = steps.filter((s): s is WorkersStep => s.kind === 'workers');
  const nodeUpgrades = workers.reduce((n, s) => n + s.nodes.length, 0);
  const from = oldestVersion(input.controlPlane);
  const cpText =
    cp.length === 0
      ? `control plane already at ${input.target.raw}`
      : `control plane ${from.raw} → ${input.target.raw} in ${cp.length} hop(s) (${cp.map((s) => s.to.raw).join(' → ')})`;
  const workerText =
    workers.length === 0
      ? 'no worker upgrades'
      : `workers in ${workers.length} hop(s) (${workers.map((s) => `${s.to.raw} for ${s.nodes.length} node(s)`).join(', then ')})`;
  const atTarget = nodesAtTarget.length > 0 ? `; ${nodesAtTarget.length} worker(s) already at ${input.target.raw}` : '';
  return {
    controlPlaneHops: cp.length,
    workerHops: workers.length,
    nodeUpgrades,
    nodesAtTarget,
    text: `${cpText}; ${workerText}${atTarget}.`,
  };
};
