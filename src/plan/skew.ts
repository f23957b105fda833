/**
 * The Kubernetes version-skew policy (kubernetes-facts.md §1) as plain functions over versions, and
 * `checkSkew`, which lists every violation in a snapshot of component versions as data. Only minors count:
 * patch releases of one minor never skew. Rules:
 * - kube-apiservers (HA): newest and oldest within 1 minor.
 * - kubelet: never newer than any apiserver; at most 3 minors older when the apiserver is >= 1.28 and the
 *   kubelet >= 1.25, else at most 2 (KEP-3935). Checked against every apiserver, so HA skew narrows the window.
 * - kube-controller-manager / kube-scheduler: never newer than any apiserver, at most 1 older than the newest.
 * - kube-proxy: never newer than any apiserver, at most as old as a kubelet may be; against the kubelets it
 *   must match their minor while any apiserver is < 1.28, else stay within 3 minors (2 if either is < 1.25).
 */
import { PlanInputError } from './errors.js';
import { compareNames } from './ordering.js';
import { formatMinor, minorOf, newestVersion, oldestVersion, type KubeVersion, type MinorLike } from './versions.js';

/** First control-plane minor of the "n-3" kubelet policy, and the oldest kubelet minor it applies to. */
export const N3_POLICY_SINCE_MINOR = 28;
export const N3_OLDEST_KUBELET_MINOR = 25;

export const SKEW_COMPONENTS = [
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kubelet',
  'kube-proxy',
] as const;
export type SkewComponent = (typeof SKEW_COMPONENTS)[number];

export const SKEW_RULES = [
  'APISERVER_HA_SKEW',
  'KUBELET_NEWER_THAN_APISERVER',
  'KUBELET_TOO_OLD',
  'CONTROLLER_NEWER_THAN_APISERVER',
  'CONTROLLER_TOO_OLD',
  'KUBE_PROXY_NEWER_THAN_APISERVER',
  'KUBE_PROXY_TOO_OLD',
  'KUBE_PROXY_KUBELET_SKEW',
] as const;
export type SkewRule = (typeof SKEW_RULES)[number];

export const SKEW_SEVERITIES = ['blocker', 'warning'] as const;
export type SkewSeverity = (typeof SKEW_SEVERITIES)[number];

/** A component version on a named node (kubelets). */
export interface NodeVersion {
  readonly node: string;
  readonly version: KubeVersion;
}

/** Versions as read from the cluster: apiserver/kcm/scheduler from their mirror-pod images, kube-proxy from its DaemonSet image. */
export interface SkewSnapshot {
  readonly apiservers: readonly KubeVersion[];
  readonly kubelets: readonly NodeVersion[];
  readonly kubeProxy?: KubeVersion;
  readonly controllerManagers?: readonly KubeVersion[];
  readonly schedulers?: readonly KubeVersion[];
}

/** One broken rule. `version` is the offending component's, `against` the version it was compared with. */
export interface SkewViolation {
  readonly rule: SkewRule;
  readonly severity: SkewSeverity;
  readonly component: SkewComponent;
  readonly node?: string;
  readonly version: string;
  readonly against: string;
  /** The allowed minors, e.g. "1.28–1.31". */
  readonly allowed: string;
  readonly message: string;
  readonly remediation: string;
}

/** The inclusive range of minors a component may run; empty when `min > max`. */
export interface MinorRange {
  readonly min: number;
  readonly max: number;
}

/** How many minors a kubelet (or kube-proxy) may lag behind this apiserver. */
export const maxKubeletLag = (apiserver: MinorLike, kubelet?: MinorLike): number =>
  minorOf(apiserver) >= N3_POLICY_SINCE_MINOR && (kubelet === undefined || minorOf(kubelet) >= N3_OLDEST_KUBELET_MINOR)
    ? 3
    : 2;

/** Lowest minor a kubelet may run next to this apiserver (the bound is the same with or without the < 1.25 clause). */
export const oldestAllowedKubelet = (apiserver: MinorLike): number => minorOf(apiserver) - maxKubeletLag(apiserver);

/** The kubelet minors allowed while all of these apiservers serve: never newer than one, never too old for one. */
export const kubeletMinorRange = (apiservers: readonly MinorLike[]): MinorRange => {
  if (apiservers.length === 0) throw noApiservers();
  const minors = apiservers.map(minorOf);
  return { min: Math.max(...minors.map(oldestAllowedKubelet)), max: Math.min(...minors) };
};

export const isKubeletAllowed = (kubelet: MinorLike, apiservers: readonly MinorLike[]): boolean => {
  const range = kubeletMinorRange(apiservers);
  return minorOf(kubelet) >= range.min && minorOf(kubelet) <= range.max;
};

/** Formats a range of minors: "1.28–1.31", or "1.30" when it holds one minor. */
export const formatMinorRange = (r: MinorRange): string =>
  r.min === r.max ? formatMinor(r.min) : r.min > r.max ? 'none' : `${formatMinor(r.min)}–${formatMinor(r.max)}`;

/** Every violation of the skew policy in the snapshot, apiservers first, then controllers, kubelets (by node), kube-proxy. */
export const checkSkew = (snapshot: SkewSnapshot): SkewViolation[] => {
  if (snapshot.apiservers.length === 0) throw noApiservers();
  const oldest = oldestVersion(snapshot.apiservers);
  const newest = newestVersion(snapshot.apiservers);
  return [
    ...checkApiservers(oldest, newest),
    ...(snapshot.controllerManagers ?? []).flatMap((v) =>
      checkController('kube-controller-manager', v, oldest, newest),
    ),
    ...(snapshot.schedulers ?? []).flatMap((v) => checkController('kube-scheduler', v, oldest, newest)),
    ...[...snapshot.kubelets]
      .sort((a, b) => compareNames(a.node, b.node))
      .flatMap((k) => checkKubelet(k, snapshot.apiservers)),
    ...(snapshot.kubeProxy ? checkKubeProxy(snapshot.kubeProxy, snapshot) : []),
  ];
};

const checkApiservers = (oldest: KubeVersion, newest: KubeVersion): SkewViolation[] =>
  newest.minor - oldest.minor <= 1
    ? []
    : [
        {
          rule: 'APISERVER_HA_SKEW',
          severity: 'blocker',
          component: 'kube-apiserver',
          version: oldest.raw,
          against: newest.raw,
          allowed: formatMinorRange({ min: newest.minor - 1, max: newest.minor }),
          message: `kube-apiservers run ${oldest.raw} and ${newest.raw}: HA apiservers must be within 1 minor of each other.`,
          remediation: `Upgrade the ${formatMinor(oldest)} apiservers one minor at a time up to at least ${formatMinor(newest.minor - 1)} before anything else.`,
        },
      ];

const checkController = (
  component: 'kube-controller-manager' | 'kube-scheduler',
  v: KubeVersion,
  oldest: KubeVersion,
  newest: KubeVersion,
): SkewViolation[] => {
  const allowed = formatMinorRange({ min: newest.minor - 1, max: oldest.minor });
  if (v.minor > oldest.minor) {
    return [
      violation('CONTROLLER_NEWER_THAN_APISERVER', component, v, oldest, allowed, {
        message: `${component} ${v.raw} is newer than kube-apiserver ${oldest.raw}.`,
        remediation: `Upgrade every kube-apiserver to ${formatMinor(v)} first, or run ${component} at ${formatMinor(oldest)}.`,
      }),
    ];
  }
  if (newest.minor - v.minor > 1) {
    return [
      violation('CONTROLLER_TOO_OLD', component, v, newest, allowed, {
        message: `${component} ${v.raw} is more than 1 minor older than kube-apiserver ${newest.raw}.`,
        remediation: `Upgrade ${component} to ${formatMinor(newest)} (it is upgraded with its control-plane node).`,
      }),
    ];
  }
  return [];
};

const checkKubelet = (k: NodeVersion, apiservers: readonly KubeVersion[]): SkewViolation[] => {
  const range = kubeletMinorRange(apiservers);
  const allowed = formatMinorRange(range);
  const oldest = oldestVersion(apiservers);
  const newest = newestVersion(apiservers);
  if (k.version.minor > range.max) {
    return [
      violation('KUBELET_NEWER_THAN_APISERVER', 'kubelet', k.version, oldest, allowed, {
        node: k.node,
        message: `kubelet ${k.version.raw} on ${k.node} is newer than kube-apiserver ${oldest.raw}.`,
        remediation: `Upgrade every kube-apiserver to at least ${formatMinor(k.version)}, or reinstall ${k.node} at ${formatMinor(oldest)}.`,
      }),
    ];
  }
  if (k.version.minor < range.min) {
    return [
      violation('KUBELET_TOO_OLD', 'kubelet', k.version, newest, allowed, {
        node: k.node,
        message: `kubelet ${k.version.raw} on ${k.node} is ${newest.minor - k.version.minor} minors behind kube-apiserver ${newest.raw} (allowed: ${allowed}).`,
        remediation: `Drain ${k.node} and upgrade its kubelet to ${formatMinor(range.max)} before upgrading the control plane any further.`,
      }),
    ];
  }
  return [];
};

const checkKubeProxy = (proxy: KubeVersion, snapshot: SkewSnapshot): SkewViolation[] => [
  ...checkKubeProxyAgainstApiservers(proxy, snapshot.apiservers),
  ...[...snapshot.kubelets]
    .sort((a, b) => compareNames(a.node, b.node))
    .flatMap((k) => checkKubeProxyAgainstKubelet(proxy, k, snapshot.apiservers)),
];

const checkKubeProxyAgainstApiservers = (proxy: KubeVersion, apiservers: readonly KubeVersion[]): SkewViolation[] => {
  const allowed = formatMinorRange(kubeletMinorRange(apiservers));
  const oldest = oldestVersion(apiservers);
  const newest = newestVersion(apiservers);
  if (proxy.minor > oldest.minor) {
    return [
      violation('KUBE_PROXY_NEWER_THAN_APISERVER', 'kube-proxy', proxy, oldest, allowed, {
        message: `kube-proxy ${proxy.raw} is newer than kube-apiserver ${oldest.raw}.`,
        remediation: `Set the kube-proxy DaemonSet image back to ${formatMinor(oldest)}, or finish upgrading the apiservers.`,
      }),
    ];
  }
  if (apiservers.some((a) => proxy.minor < a.minor - maxKubeletLag(a, proxy))) {
    return [
      violation('KUBE_PROXY_TOO_OLD', 'kube-proxy', proxy, newest, allowed, {
        message: `kube-proxy ${proxy.raw} is too far behind kube-apiserver ${newest.raw}.`,
        remediation: `Upgrade the kube-proxy DaemonSet image to ${formatMinor(oldest)}.`,
      }),
    ];
  }
  return [];
};

/** Before 1.28 (any apiserver older) kube-proxy must share the kubelet's minor; after, stay within 3 (2 below 1.25). */
const checkKubeProxyAgainstKubelet = (
  proxy: KubeVersion,
  k: NodeVersion,
  apiservers: readonly KubeVersion[],
): SkewViolation[] => {
  const sameMinorOnly = oldestVersion(apiservers).minor < N3_POLICY_SINCE_MINOR;
  const newest = newestVersion(apiservers);
  const limit = sameMinorOnly ? 0 : Math.min(maxKubeletLag(newest, k.version), maxKubeletLag(newest, proxy));
  if (Math.abs(proxy.minor - k.version.minor) <= limit) return [];
  const allowed = formatMinorRange({ min: k.version.minor - limit, max: k.version.minor + limit });
  return [
    violation('KUBE_PROXY_KUBELET_SKEW', 'kube-proxy', proxy, k.version, allowed, {
      node: k.node,
      severity: 'warning',
      message: sameMinorOnly
        ? `kube-proxy ${proxy.raw} differs from kubelet ${k.version.raw} on ${k.node}; before 1.28 they must share a minor.`
        : `kube-proxy ${proxy.raw} is more than ${limit} minors away from kubelet ${k.version.raw} on ${k.node}.`,
      remediation: `Upgrade the kubelet on ${k.node} or move the kube-proxy image closer to ${formatMinor(k.version)}.`,
    }),
  ];
};

const violation = (
  rule: SkewRule,
  component: SkewComponent,
  version: KubeVersion,
  against: KubeVersion,
  allowed: string,
  more: { message: string; remediation: string; node?: string; severity?: SkewSeverity },
): SkewViolation => ({
  rule,
  severity: more.severity ?? 'blocker',
  component,
  ...(more.node === undefined ? {} : { node: more.node }),
  version: version.raw,
  against: against.raw,
  allowed,
  message: more.message,
  remediation: more.remediation,
});

const noApiservers = (): PlanInputError =>
  new PlanInputError(
    'INVALID_PLAN_INPUT',
    'No kube-apiserver version was given; read them from the kube-apiserver mirror pods (their image tags) and try again.',
  );
