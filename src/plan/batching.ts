/**
 * Splits the worker nodes into the user's ordered groups and each group into batches of at most
 * `maxUnavailable` nodes, the rolling window of the worker phase. Rules:
 * - A worker goes to the FIRST group whose selector matches; workers matching none form a last implicit group
 *   (or, with `strict`, an error listing them). Control-plane nodes are never in a worker group.
 * - `maxUnavailable` is `N` or `N%` of the group (rounded down, at least 1), per group or for all.
 * - `canary: N` makes the first batch of the first non-empty group exactly N nodes.
 * - Batches interleave zones round-robin and, when a group spans several zones, never take every node a zone
 *   has in the group at once if a smaller batch avoids it. A node's zone is `zone`, else its
 *   `topology.kubernetes.io/zone` (or legacy `failure-domain.beta.kubernetes.io/zone`) label.
 * - The result depends only on the set of nodes, not their input order (everything is ordered by name).
 */
import { MaxUnavailableError, PlanInputError, UnmatchedNodesError } from './errors.js';
import { matchesLabels, parseLabelSelector } from '../kube/index.js';
import { compareNames } from './ordering.js';

export interface BatchNode {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly zone?: string;
  readonly controlPlane: boolean;
}

/** A worker group: a label selector, optionally with its own maxUnavailable. */
export interface WorkerGroupSpec {
  readonly selector: string;
  readonly maxUnavailable?: string | number;
}

export interface BatchingOptions {
  /** Ordered selectors; a string is a selector using the default maxUnavailable. */
  readonly groups: readonly (string | WorkerGroupSpec)[];
  /** Default for every group: `N` or `N%`. Defaults to 1. */
  readonly maxUnavailable?: string | number;
  readonly canary?: number;
  /** Refuse workers that match no selector instead of upgrading them in a last implicit group. */
  readonly strict?: boolean;
}

export interface WorkerGroup {
  /** The selector as given; `''` for the implicit group of the remaining workers. */
  readonly selector: string;
  readonly implicit: boolean;
  /** Resolved against this group's size. */
  readonly maxUnavailable: number;
  /** Node names, sorted. */
  readonly nodes: readonly string[];
  readonly batches: readonly (readonly string[])[];
}

export interface WorkerBatches {
  readonly groups: readonly WorkerGroup[];
  readonly controlPlaneNodes: readonly string[];
}

export const MAX_UNAVAILABLE_KINDS = ['count', 'percent'] as const;
export type MaxUnavailableKind = (typeof MAX_UNAVAILABLE_KINDS)[number];

export interface MaxUnavailable {
  readonly kind: MaxUnavailableKind;
  readonly value: number;
}

const ZONE_LABELS = ['topology.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/zone'];

/** Parses `3`, `"3"` or `"25%"`. Counts must be >= 1, percentages 1–100. */
export const parseMaxUnavailable = (input: string | number): MaxUnavailable => {
  const text = String(input).trim();
  const m = /^(\d+)(%?)$/.exec(text);
  if (!m) throw new MaxUnavailableError(text, 'it is neither a whole number nor a percentage');
  const value = Number(m[1]);
  if (m[2] === '%') {
    if (value < 1 || value > 100) throw new MaxUnavailableError(text, 'a percentage must be between 1% and 100%');
    return { kind: 'percent', value };
  }
  if (value < 1) throw new MaxUnavailableError(text, 'at least one node must be allowed to be unavailable');
  return { kind: 'count', value };
};

/** Nodes a group of `groupSize` may have unavailable at once: percentages round down, never below 1. */
export const resolveMaxUnavailable = (spec: MaxUnavailable, groupSize: number): number =>
  Math.max(1, spec.kind === 'percent' ? Math.floor((groupSize * spec.value) / 100) : spec.value);

export const planWorkerBatches = (nodes: readonly BatchNode[], options: BatchingOptions): WorkerBatches => {
  const sorted = [...nodes].sort((a, b) => compareNames(a.name, b.name));
  rejectDuplicates(sorted);
  const defaultSpec = parseMaxUnavailable(options.maxUnavailable ?? 1);
  const specs = options.groups.map((g) => (typeof g === 'string' ? { selector: g } : g));
  const selectors = specs.map((g) => parseLabelSelector(g.selector));
  const members: BatchNode[][] = specs.map(() => []);
  const leftover: BatchNode[] = [];
  for (const node of sorted.filter((n) => !n.controlPlane)) {
    const index = selectors.findIndex((s) => matchesLabels(s, node.labels));
    if (index < 0) leftover.push(node);
    else members[index]?.push(node);
  }
  if (leftover.length > 0 && options.strict) throw new UnmatchedNodesError(leftover.map((n) => n.name));
  const groups = specs.map((g, i) => ({ spec: g, implicit: false, nodes: members[i] ?? [] }));
  if (leftover.length > 0) groups.push({ spec: { selector: '' }, implicit: true, nodes: leftover });
  let canary = options.canary === undefined ? undefined : checkCanary(options.canary, groups);
  const out = groups.map(({ spec, implicit, nodes: groupNodes }) => {
    const maxUnavailable = resolveMaxUnavailable(
      spec.maxUnavailable === undefined ? defaultSpec : parseMaxUnavailable(spec.maxUnavailable),
      groupNodes.length,
    );
    const batches = makeBatches(groupNodes, maxUnavailable, groupNodes.length > 0 ? canary : undefined);
    if (groupNodes.length > 0) canary = undefined;
    return { selector: spec.selector, implicit, maxUnavailable, nodes: groupNodes.map((n) => n.name), batches };
  });
  return { groups: out, controlPlaneNodes: sorted.filter((n) => n.controlPlane).map((n) => n.name) };
};

const checkCanary = (
  canary: number,
  groups: readonly { spec: WorkerGroupSpec; nodes: readonly BatchNode[] }[],
): number => {
  if (!Number.isInteger(canary) || canary < 1) {
    throw new PlanInputError('INVALID_CANARY', `Canary size ${canary} is not a whole number of nodes; use e.g. 1.`);
  }
  const first = groups.find((g) => g.nodes.length > 0);
  if (first && canary > first.nodes.length) {
    const name = first.spec.selector === '' ? 'the remaining workers' : `"${first.spec.selector}"`;
    throw new PlanInputError(
      'INVALID_CANARY',
      `Canary size ${canary} is larger than the first worker group (${name}, ${first.nodes.length} node(s)); use at most ${first.nodes.length}.`,
    );
  }
  return canary;
};

/** Cuts a group into batches: zone round-robin order, per-zone caps, and an exact-size canary first. */
const makeBatches = (nodes: readonly BatchNode[], size: number, canary: number | undefined): string[][] => {
  const zones = groupByZone(nodes);
  const spread = zones.size > 1;
  const caps = new Map(
    [...zones].map(([zone, list]) => [zone, spread && zone !== '' ? Math.max(1, list.length - 1) : Infinity]),
  );
  const queue = interleave([...zones.values()]);
  const batches: string[][] = [];
  if (canary !== undefined) batches.push(takeBatch(queue, canary, caps, true));
  while (queue.length > 0) batches.push(takeBatch(queue, size, caps, false));
  return batches;
};

/** Takes up to `size` nodes in queue order within the zone caps (an exact batch fills up past them if it must). */
const takeBatch = (queue: BatchNode[], size: number, caps: ReadonlyMap<string, number>, exact: boolean): string[] => {
  const taken: BatchNode[] = [];
  const perZone = new Map<string, number>();
  for (const node of [...queue]) {
    if (taken.length >= size) break;
    const zone = zoneOf(node);
    if ((perZone.get(zone) ?? 0) >= (caps.get(zone) ?? Infinity)) continue;
    perZone.set(zone, (perZone.get(zone) ?? 0) + 1);
    taken.push(node);
  }
  if (exact) for (const node of queue) if (taken.length < size && !taken.includes(node)) taken.push(node);
  for (const node of taken) queue.splice(queue.indexOf(node), 1);
  return taken.map((n) => n.name);
};

const groupByZone = (nodes: readonly BatchNode[]): Map<string, BatchNode[]> => {
  const zones = new Map<string, BatchNode[]>();
  for (const zone of [...new Set(nodes.map(zoneOf))].sort(compareNames)) zones.set(zone, []);
  for (const node of nodes) zones.get(zoneOf(node))?.push(node);
  return zones;
};

/** a1, b1, c1, a2, b2, … */
const interleave = (lists: readonly (readonly BatchNode[])[]): BatchNode[] => {
  const longest = Math.max(0, ...lists.map((l) => l.length));
  const out: BatchNode[] = [];
  for (let i = 0; i < longest; i += 1) for (const list of lists) if (list[i]) out.push(list[i] as BatchNode);
  return out;
};

const zoneOf = (node: BatchNode): string =>
  node.zone ?? ZONE_LABELS.map((l) => node.labels[l]).find((z) => z !== undefined && z !== '') ?? '';

const rejectDuplicates = (sorted: readonly BatchNode[]): void => {
  const dup = sorted.find((n, i) => i > 0 && sorted[i - 1]?.name === n.name);
  if (dup) throw new PlanInputError('INVALID_PLAN_INPUT', `Node "${dup.name}" is listed twice; pass each node once.`);
};
