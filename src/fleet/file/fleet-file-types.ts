/**
 * The fleet file as the product reads it (`apiVersion: k8s-upgrade/v1`, `kind: Fleet`, YAML): the clusters with
 * their labels and access, fleet-wide plan settings with per-cluster overrides, and the ordered stages. This is
 * the contract between reading the file (`file/`), planning (`plan/`) and running (`schedule/`, `apply/`); the
 * schema that validates a file into these types lives next to it.
 */

export const FLEET_API_VERSION = 'k8s-upgrade/v1';
export const FLEET_KIND = 'Fleet';

/** An absolute count (integer ≥ 0) or a percentage of a total, written `N%` (0–100). */
export type CountOrPercent = number | `${number}%`;

/** Go-style duration as Kubernetes and kubectl write them: `90s`, `30m`, `1h30m`, `2h`. */
export type Duration = string;

export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** When a cluster may be upgraded: it starts only inside a window (a running cluster finishes its run). */
export interface MaintenanceWindow {
  /** Days on which a window opens (in `timeZone`). */
  days: Weekday[];
  /** Local opening time, `HH:MM` (24 h). */
  start: string;
  /** How long the window stays open (at most 7 days), e.g. `4h`. */
  duration: Duration;
  /** IANA time zone, e.g. `Asia/Tokyo`, `UTC`. */
  timeZone: string;
}

/**
 * The plan settings a cluster is planned with: the `plan` command's flags as data, camelCased
 * (`maxUnavailable` for `--max-unavailable`, `etcdSnapshot` for `--etcd-snapshot`, `execCommand` for
 * `--exec-command` as an argv array, …). Fleet `defaults` and a cluster's `settings` are both of this type;
 * a cluster's settings override the defaults key by key. Unknown keys are invalid input.
 */
export type ClusterPlanSettings = Record<string, unknown>;

export interface FleetCluster {
  /** Unique in the fleet; names the cluster in tables, events, plan files and state. DNS-label-like. */
  name: string;
  /** Kubeconfig path (relative to the fleet file's folder); at least one of kubeconfig and context. */
  kubeconfig?: string;
  /** Context in that kubeconfig (default: its current context). */
  context?: string;
  /** Labels the stage selectors match (Kubernetes label syntax). */
  labels: Record<string, string>;
  settings?: ClusterPlanSettings;
  maintenanceWindow?: MaintenanceWindow;
}

/** A gate before or after a stage. Command gates run without a shell; URL gates must answer 2xx. */
export type StageGate =
  { approval: true } | { command: string[]; timeout?: Duration } | { url: string; timeout?: Duration };

/** What a stage does once its failure budget is spent: no new cluster starts in any case. */
export const ON_FAILURE = ['stop', 'pause', 'continue'] as const;
export type OnFailure = (typeof ON_FAILURE)[number];

export interface FleetStage {
  /** Unique in the fleet. */
  name: string;
  /** kubectl label-selector syntax over cluster labels (`env=prod,region in (eu,us)`, `!canary`). */
  selector: string;
  /** At most this many clusters of the stage run at once: N or N% of the stage's clusters, at least 1. */
  maxConcurrency: CountOrPercent;
  /** Failed clusters the stage tolerates: N or N% of its clusters (default 0). */
  failureBudget: CountOrPercent;
  /** After the stage's clusters are done, re-check them for this long; a regression counts as a failure. */
  soak?: Duration;
  gates?: { before?: StageGate[]; after?: StageGate[] };
  /** Default `stop`. */
  onFailure: OnFailure;
}

export interface FleetFile {
  apiVersion: typeof FLEET_API_VERSION;
  kind: typeof FLEET_KIND;
  metadata: { name: string };
  defaults?: ClusterPlanSettings;
  clusters: FleetCluster[];
  stages: FleetStage[];
}
