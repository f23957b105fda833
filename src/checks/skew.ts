/**
 * Version checks: the skew policy as the cluster stands now (`skew-violated-now`), the skew policy after
 * every step of the version path (`skew-violated-by-path`), and an unreleased target (`target-prerelease`).
 * Versions come from the inventory: apiservers, controller-managers and schedulers from their mirror pods
 * (falling back to `/version` on managed control planes), kubelets from the nodes, kube-proxy from its
 * DaemonSet. The path is simulated the way kubeadm runs it: a control-plane hop moves every apiserver,
 * controller, scheduler and control-plane kubelet, and the kube-proxy add-on, to the hop's version.
 */
import {
  checkSkew,
  compareVersions,
  tryParseReportedVersion,
  type Finding,
  type KubeVersion,
  type NodeVersion,
  type SkewSnapshot,
  type SkewViolation,
} from '../plan/index.js';
import { apiserverVersions } from './context.js';
import { count, finding, listNames, obj } from './finding.js';
import type { ComponentName, Inventory, PreflightContext } from './types.js';

/** Parsed versions of one component from the inventory. */
const versionsOf = (inv: Inventory, component: ComponentName): KubeVersion[] =>
  inv.components.filter((c) => c.component === component).flatMap((c) => tryParseReportedVersion(c.version) ?? []);

/** The cluster's versions today, split into control-plane and worker kubelets. */
export function currentSnapshot(inv: Inventory): {
  snapshot: SkewSnapshot;
  cpKubelets: NodeVersion[];
  workerKubelets: NodeVersion[];
} {
  const apiservers = apiserverVersions(inv);
  const kubelet = (controlPlane: boolean): NodeVersion[] =>
    inv.nodes
      .filter((n) => n.controlPlane === controlPlane)
      .flatMap((n) => {
        const version = tryParseReportedVersion(n.kubeletVersion);
        return version ? [{ node: n.name, version }] : [];
      });
  const cpKubelets = kubelet(true);
  const workerKubelets = kubelet(false);
  const proxy = versionsOf(inv, 'kube-proxy')[0];
  const snapshot: SkewSnapshot = {
    apiservers,
    kubelets: [...cpKubelets, ...workerKubelets],
    controllerManagers: versionsOf(inv, 'kube-controller-manager'),
    schedulers: versionsOf(inv, 'kube-scheduler'),
    ...(proxy ? { kubeProxy: proxy } : {}),
  };
  return { snapshot, cpKubelets, workerKubelets };
}

const key = (v: SkewViolation): string => `${v.rule}|${v.component}|${v.node ?? ''}`;

const objectOf = (v: SkewViolation, detail: string) =>
  v.node
    ? obj('Node', v.node, undefined, `${v.component} ${v.version}: ${detail}`)
    : obj('Component', v.component, 'kube-system', `${v.version}: ${detail}`);

/** One finding per rule and severity, naming every node or component that breaks it. */
const group = (id: string, found: { v: SkewViolation; when?: string }[], prefix: string): Finding[] => {
  const byRule = new Map<string, { v: SkewViolation; when?: string }[]>();
  for (const f of found)
    byRule.set(`${f.v.rule}|${f.v.severity}`, [...(byRule.get(`${f.v.rule}|${f.v.severity}`) ?? []), f]);
  return [...byRule.values()].map((list) => {
    const first = list[0]!.v;
    const others = list.slice(1).map(({ v }) => v.node ?? v.component);
    const more =
      others.length > 0 ? ` The same holds for ${count(others.length, 'more case')}: ${listNames(others)}.` : '';
    const when = list[0]!.when ? ` ${list[0]!.when}` : '';
    return finding(
      id,
      first.severity,
      `${prefix}${when}: ${first.message}${more}`,
      list.map(({ v, when: w }) =>
        objectOf(
          v,
          w ? `${w}, against ${v.against} (allowed ${v.allowed})` : `against ${v.against} (allowed ${v.allowed})`,
        ),
      ),
      first.remediation,
    );
  });
};

export function checkSkewNow(ctx: PreflightContext): Finding[] {
  const { snapshot } = currentSnapshot(ctx.inventory);
  if (snapshot.apiservers.length === 0) return [];
  return group(
    'skew-violated-now',
    checkSkew(snapshot).map((v) => ({ v })),
    'The cluster breaks the version-skew policy today',
  );
}

/** Replays the path step by step and reports violations that the cluster does not already have. */
export function checkSkewByPath(ctx: PreflightContext): Finding[] {
  const { snapshot, cpKubelets, workerKubelets } = currentSnapshot(ctx.inventory);
  if (snapshot.apiservers.length === 0) return [];
  const already = new Set(checkSkew(snapshot).map(key));
  const found = new Map<string, { v: SkewViolation; when: string }>();
  const note = (s: SkewSnapshot, when: string, onlyKubelets = false) => {
    for (const v of checkSkew(s)) {
      if (onlyKubelets && v.component !== 'kubelet') continue;
      if (!already.has(key(v)) && !found.has(key(v))) found.set(key(v), { v, when });
    }
  };
  let apiservers = [...snapshot.apiservers];
  let controllers = { controllerManagers: snapshot.controllerManagers ?? [], schedulers: snapshot.schedulers ?? [] };
  let cp = cpKubelets;
  const workers = new Map(workerKubelets.map((k) => [k.node, k.version]));
  let proxy = snapshot.kubeProxy;
  const state = (): SkewSnapshot => ({
    apiservers,
    ...controllers,
    kubelets: [...cp, ...[...workers].map(([node, version]) => ({ node, version }))],
    ...(proxy ? { kubeProxy: proxy } : {}),
  });
  for (const step of ctx.path.steps) {
    if (step.kind === 'control-plane') {
      // While the hop rolls out, old and new apiservers serve side by side: every worker kubelet must fit both.
      note(
        { apiservers: [...apiservers, step.to], kubelets: [...workers].map(([node, version]) => ({ node, version })) },
        `while the control plane moves to ${step.to.raw}`,
        true,
      );
      apiservers = apiservers.map((a) => (compareVersions(a, step.to) < 0 ? step.to : a));
      controllers = {
        controllerManagers: controllers.controllerManagers.map(() => step.to),
        schedulers: controllers.schedulers.map(() => step.to),
      };
      cp = cp.map((k) => ({ node: k.node, version: step.to }));
      if (proxy) proxy = step.to;
      note(state(), `after the control plane reaches ${step.to.raw}`);
    } else {
      for (const n of step.nodes) workers.set(n.node, step.to);
      note(state(), `after workers move to ${step.to.raw}`);
    }
  }
  return group('skew-violated-by-path', [...found.values()], 'The version path breaks the version-skew policy');
}

export function checkTargetPrerelease(ctx: PreflightContext): Finding[] {
  if (!ctx.target.prerelease) return [];
  return [
    finding(
      'target-prerelease',
      'blocker',
      `The target ${ctx.target.raw} is an unreleased build (${ctx.target.prerelease}); kubeadm refuses it without --allow-experimental-upgrades / --allow-release-candidate-upgrades.`,
      [obj('Version', ctx.target.raw)],
      `Upgrade to a released version instead, or — on a cluster you can lose — re-plan with --ignore-check target-prerelease and configure the node driver to pass kubeadm's experimental-upgrade flag.`,
    ),
  ];
}
