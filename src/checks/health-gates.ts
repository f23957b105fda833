/**
 * The health gate `apply` runs after each node (or batch): the cluster part is a pure evaluation over the
 * watch caches (nodes Ready, control-plane mirror pods Ready, the drained workloads back at their desired
 * availability, the budgets over their pods healthy), re-evaluated on cache changes and never by polling;
 * the custom gates (HTTP URLs, commands) run at a modest interval, and only while the cluster part is
 * healthy. Healthy means everything passes and then keeps passing for the soak time.
 *
 * Must not: read the cluster other than through the cache, run commands itself (the executor injects
 * `runCommand`), or print.
 */
import {
  CacheWaitAbortedError,
  type ClusterCache,
  type OwnerRef,
  type PdbInfo,
  type PodInfo,
  type WorkloadView,
} from '../cluster/index.js';
import { deploymentOf, fromLabelSelectorSpec, matchesLabels } from '../kube/index.js';
import { checkHttpGate } from './http-gate.js';

export interface HealthInput {
  /** Nodes being upgraded right now: their NotReady (and their mirror pods) are expected. */
  inFlight: ReadonlySet<string>;
  /** The controllers of the pods the drain evicted. */
  touched: readonly OwnerRef[];
}

export interface HealthResult {
  healthy: boolean;
  /** Short human strings naming the object and the numbers: `deployment shop/web: 2/3 available`. */
  failing: string[];
}

/** The static control-plane components kubeadm runs as mirror pods on every control-plane node. */
export const CONTROL_PLANE_COMPONENTS = [
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'etcd',
] as const;

const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);

/** The component a kube-system mirror pod runs: its `component` label, else the `<component>-<node>` name. */
function componentOf(p: PodInfo): string | undefined {
  if (p.labels.component) return p.labels.component;
  return CONTROL_PLANE_COMPONENTS.find((c) => p.nodeName !== undefined && p.name === `${c}-${p.nodeName}`);
}

function workloadFailure(w: WorkloadView): string | undefined {
  const id = `${w.kind.toLowerCase()} ${w.namespace}/${w.name}`;
  if (!w.current) return `${id}: status not yet updated for its latest spec`;
  if (w.kind === 'StatefulSet')
    return w.readyReplicas >= w.replicas ? undefined : `${id}: ${w.readyReplicas}/${w.replicas} ready`;
  return w.availableReplicas >= w.replicas ? undefined : `${id}: ${w.availableReplicas}/${w.replicas} available`;
}

function pdbFailure(b: PdbInfo): string | undefined {
  const id = `pdb ${b.namespace}/${b.name}`;
  if (!b.current) return `${id}: status not yet updated by the disruption controller`;
  return b.currentHealthy >= b.desiredHealthy ? undefined : `${id}: ${b.currentHealthy}/${b.desiredHealthy} healthy`;
}

/** The workloads to check for the drained pods' controllers: a ReplicaSet stands for its Deployment. */
function touchedWorkloads(cache: ClusterCache, touched: readonly OwnerRef[]): WorkloadView[] {
  const out = new Map<string, WorkloadView>();
  for (const ref of touched) {
    let w = cache.workloadByUid(ref.uid);
    if (!w) continue; // gone (scaled away, replaced) or a kind the cache does not follow (Job, custom controllers)
    const deployment = deploymentOf(w);
    if (deployment) w = cache.workloadByUid(deployment.uid) ?? w;
    out.set(w.uid, w);
  }
  return [...out.values()].sort((a, b) =>
    `${a.kind}/${a.namespace}/${a.name}`.localeCompare(`${b.kind}/${b.namespace}/${b.name}`),
  );
}

/** The cluster part of the gate, evaluated over the cache as it stands. */
export function evaluateHealth(cache: ClusterCache, input: HealthInput): HealthResult {
  // A cache that cannot follow the cluster cannot vouch for it.
  const failing: string[] = cache.staleness().map((s) => `cluster cache of ${s}`);
  const nodes = cache.nodes.all().sort(byName);
  for (const n of nodes) if (!input.inFlight.has(n.name) && !n.ready) failing.push(`node ${n.name} NotReady`);

  // Control-plane mirror pods: every component seen since the cache started, on each control-plane node.
  const expected = CONTROL_PLANE_COMPONENTS.filter((c) => cache.staticPodComponents.has(c));
  if (expected.length > 0) {
    const mirrors = new Map<string, PodInfo>();
    for (const p of cache.systemPods.all()) {
      if (!p.mirror || !p.nodeName) continue;
      const c = componentOf(p);
      if (c) mirrors.set(`${p.nodeName}/${c}`, p);
    }
    for (const n of nodes) {
      if (!n.controlPlane || input.inFlight.has(n.name)) continue;
      for (const c of expected) {
        const p = mirrors.get(`${n.name}/${c}`);
        if (!p) failing.push(`${c} on ${n.name}: no mirror pod`);
        else if (!p.ready) failing.push(`pod kube-system/${p.name} not Ready`);
      }
    }
  }

  const workloads = touchedWorkloads(cache, input.touched);
  for (const w of workloads) {
    const f = workloadFailure(w);
    if (f) failing.push(f);
  }

  // Budgets selecting the touched workloads' pods (matched on the pod template's labels).
  if (workloads.length > 0) {
    const namespaces = new Set(workloads.map((w) => w.namespace));
    const pdbs = cache.pdbs
      .all()
      .filter((b) => namespaces.has(b.namespace))
      .sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
    for (const b of pdbs) {
      const selector = fromLabelSelectorSpec(b.selector);
      if (!selector) continue;
      if (!workloads.some((w) => w.namespace === b.namespace && matchesLabels(selector, w.podLabels))) continue;
      const f = pdbFailure(b);
      if (f) failing.push(f);
    }
  }
  return { healthy: failing.length === 0, failing };
}

export interface HttpGateSpec {
  url: string;
  /** Default 10 s. */
  timeoutSeconds?: number;
}

export interface CommandGateSpec {
  argv: readonly string[];
  /** Default 60 s. */
  timeoutSeconds?: number;
}

export type RunGateCommand = (argv: readonly string[], timeoutMs: number) => Promise<{ ok: boolean; output: string }>;

export interface WaitForHealthInput extends HealthInput {
  timeoutMs: number;
  /** How long everything must keep passing once it first passes. */
  soakMs: number;
  signal?: AbortSignal;
  http: readonly HttpGateSpec[];
  commands: readonly CommandGateSpec[];
  /** Runs one command gate (without a shell); injected by the executor. */
  runCommand: RunGateCommand;
  /** Told the failing list whenever it changes (not on every evaluation). */
  onWaiting?: (failing: string[]) => void;
  /** How often the custom gates run while the cluster part is healthy. Default 5 s. */
  gateIntervalMs?: number;
}

export const DEFAULT_GATE_INTERVAL_MS = 5_000;
const DEFAULT_HTTP_TIMEOUT_S = 10;
const DEFAULT_COMMAND_TIMEOUT_S = 60;
/** Cache events arriving together are evaluated once. */
const COALESCE_MS = 50;

/** `command "curl -sf …": exit 7: connection refused` — argv shortened, the output's last line. */
function commandFailure(argv: readonly string[], output: string): string {
  const cmd = argv.join(' ');
  const shown = cmd.length > 80 ? `${cmd.slice(0, 77)}...` : cmd;
  const last = output.trim().split('\n').at(-1)?.trim() ?? '';
  return `command "${shown}" failed${last ? `: ${last.length > 160 ? `${last.slice(0, 157)}...` : last}` : ''}`;
}

async function runCustomGates(input: WaitForHealthInput): Promise<string[]> {
  const http = input.http.map(async (g) => {
    const r = await checkHttpGate(g.url, (g.timeoutSeconds ?? DEFAULT_HTTP_TIMEOUT_S) * 1000);
    return r.ok ? undefined : `http gate ${r.detail}`;
  });
  const commands = input.commands.map(async (g) => {
    try {
      const r = await input.runCommand(g.argv, (g.timeoutSeconds ?? DEFAULT_COMMAND_TIMEOUT_S) * 1000);
      return r.ok ? undefined : commandFailure(g.argv, r.output);
    } catch (e) {
      return commandFailure(g.argv, (e as Error).message ?? String(e));
    }
  });
  return (await Promise.all([...http, ...commands])).filter((f): f is string => f !== undefined);
}

/**
 * Waits until the cluster part and every custom gate pass and then keep passing for `soakMs`. Returns (never
 * throws) `{ healthy: false, failing }` at the timeout; rejects only when `signal` aborts.
 */
export function waitForHealth(cache: ClusterCache, input: WaitForHealthInput): Promise<HealthResult> {
  const hasCustom = input.http.length + input.commands.length > 0;
  const interval = input.gateIntervalMs ?? DEFAULT_GATE_INTERVAL_MS;
  return new Promise<HealthResult>((resolve, reject) => {
    let done = false;
    let clusterFailing: string[] = [];
    /** undefined: not known for the current healthy stretch of the cluster part (not run yet, or running). */
    let customFailing: string[] | undefined = hasCustom ? undefined : [];
    let passingSince: number | undefined;
    let gateEpoch = 0;
    let gatesActive = false;
    let lastReported = '';
    const timers: {
      soak?: NodeJS.Timeout;
      gate?: NodeJS.Timeout;
      evaluate?: NodeJS.Timeout;
      deadline?: NodeJS.Timeout;
    } = {};

    const failingNow = (): string[] => (clusterFailing.length > 0 ? clusterFailing : (customFailing ?? []));
    const finish = (settle: () => void) => {
      if (done) return;
      done = true;
      gateEpoch++;
      for (const t of Object.values(timers)) if (t) clearTimeout(t);
      unsubscribe();
      input.signal?.removeEventListener('abort', onAbort);
      settle();
    };

    const update = () => {
      if (done) return;
      const passing = clusterFailing.length === 0 && customFailing !== undefined && customFailing.length === 0;
      if (passing) {
        if (passingSince !== undefined) return;
        passingSince = Date.now();
        lastReported = '';
        timers.soak = setTimeout(() => finish(() => resolve({ healthy: true, failing: [] })), input.soakMs);
        return;
      }
      if (passingSince !== undefined) {
        passingSince = undefined;
        clearTimeout(timers.soak);
      }
      const failing = failingNow();
      const key = failing.join('\n');
      if (failing.length > 0 && key !== lastReported) {
        lastReported = key;
        input.onWaiting?.([...failing]);
      }
    };

    const runGates = () => {
      timers.gate = undefined;
      const epoch = gateEpoch;
      runCustomGates(input).then(
        (failing) => {
          if (done || epoch !== gateEpoch) return;
          customFailing = failing;
          timers.gate = setTimeout(runGates, interval);
          update();
        },
        () => {}, // runCustomGates turns every failure into a string; nothing reaches here
      );
    };
    const startGates = () => {
      if (!hasCustom || gatesActive) return;
      gatesActive = true;
      runGates();
    };
    const stopGates = () => {
      if (!hasCustom) return;
      gatesActive = false;
      gateEpoch++;
      clearTimeout(timers.gate);
      timers.gate = undefined;
      customFailing = undefined;
    };

    const evaluate = () => {
      timers.evaluate = undefined;
      if (done) return;
      const r = evaluateHealth(cache, input);
      clusterFailing = r.failing;
      if (r.healthy) startGates();
      else stopGates();
      update();
    };
    const unsubscribe = cache.onChange(() => {
      if (!done && !timers.evaluate) timers.evaluate = setTimeout(evaluate, COALESCE_MS);
    });
    const onAbort = () =>
      finish(() => reject(new CacheWaitAbortedError('the health gate', { cause: input.signal?.reason })));
    if (input.signal?.aborted) return onAbort();
    input.signal?.addEventListener('abort', onAbort, { once: true });
    timers.deadline = setTimeout(() => {
      let failing = failingNow();
      if (failing.length === 0) {
        failing =
          passingSince !== undefined
            ? [
                `healthy for only ${Math.round((Date.now() - passingSince) / 1000)}s of the ${Math.round(input.soakMs / 1000)}s soak`,
              ]
            : ['the custom health gates did not answer in time'];
      }
      finish(() => resolve({ healthy: false, failing: [...failing] }));
    }, input.timeoutMs);
    evaluate();
  });
}
