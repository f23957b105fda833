/**
 * Mirrors the run state into the cluster so that a CI job on another runner can see and resume a run: ConfigMap
 * kube-system/k8s-upgrade-run-<cluster slug>-<first 10 hex of the plan's content hash> (one per plan, so two
 * plans never share a record), key `state.json` (above 256 KiB gzipped under binaryData `state.json.gz`),
 * labelled with the run id and the plan hash so `status` can list the runs a cluster holds. Writes are
 * coalesced: at most one in flight, the newest state wins, so a burst of updates costs a handful of requests.
 * The local state file is the authority: mirror failures go to `onError`, never thrown, and never stop a run.
 */
import type { ConfigMapInfo, ConfigMapStore } from '../../cluster/index.js';
import type { RunState } from './run-state-types.js';
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { parseRunState, StateFileError } from './state-store.js';

export const MIRROR_NAMESPACE = 'kube-system';
export const MIRROR_KEY = 'state.json';
/** Where a large run state goes instead, gzipped (a 500-node run's state is over 1 MB as plain JSON). */
export const MIRROR_GZIP_KEY = 'state.json.gz';
/** Up to this size the state is kept as readable JSON (`kubectl get cm … -o jsonpath`), gzipped above. */
const PLAIN_MIRROR_BYTES = 256 * 1024;
export const MIRROR_LABELS = { 'app.kubernetes.io/managed-by': 'k8s-upgrade', 'k8s-upgrade/record': 'run' } as const;
/** The selector of every run record in a cluster (`kubectl get cm -n kube-system -l …`). */
export const MIRROR_SELECTOR = 'app.kubernetes.io/managed-by=k8s-upgrade,k8s-upgrade/record=run';
export const RUN_ID_LABEL = 'k8s-upgrade/run-id';
export const PLAN_HASH_LABEL = 'k8s-upgrade/plan-hash';
/** ConfigMaps hold at most 1 MiB; leave room for metadata. */
const MAX_MIRROR_BYTES = 1_000_000;

/** The mirror could not be written (reported through onError; the run goes on with the local file). */
export class StateMirrorError extends Error {
  override name = 'StateMirrorError';
}

/** What names a plan's record: its name (for the cluster slug) and its content hash. */
export interface MirrorKey {
  name: string;
  contentHash: string;
}

const PREFIX = 'k8s-upgrade-run-';
const HASH_CHARS = 10;
/** 63 (a DNS label) − the prefix − `-` − the hash. */
const SLUG_CHARS = 63 - PREFIX.length - 1 - HASH_CHARS;

/** The first 10 hex digits of the plan's content hash (of the text itself when it is not `sha256:<hex>`). */
export function planHashPrefix(contentHash: string): string {
  const hex = /^sha256:([0-9a-f]{10})/.exec(contentHash)?.[1];
  return hex ?? createHash('sha256').update(contentHash).digest('hex').slice(0, HASH_CHARS);
}

/**
 * `k8s-upgrade-run-<cluster slug>-<10 hex>`, a DNS label (at most 63 chars). The slug is the plan name without
 * its `-<from>-to-<to>` ending (plan names are `<cluster>-<from>-to-<to>` by default), lower-cased, anything but
 * [a-z0-9] turned into `-`; the hash tells plans of one cluster apart.
 */
export function mirrorNameFor(plan: MirrorKey): string {
  const slug = plan.name
    .toLowerCase()
    .replace(/-v\d+\.\d+\.\d+[^/]*-to-v\d+\.\d+\.\d+[^/]*$/, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, SLUG_CHARS)
    .replace(/-+$/, '');
  return `${PREFIX}${slug || 'plan'}-${planHashPrefix(plan.contentHash)}`;
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** The labels of a record: the selector's, plus the run id (when it is a valid label value) and the plan hash. */
function recordLabels(state: RunState): Record<string, string> {
  return {
    ...MIRROR_LABELS,
    [PLAN_HASH_LABEL]: planHashPrefix(state.plan.contentHash),
    ...(state.runId.length <= 63 && LABEL_VALUE.test(state.runId) ? { [RUN_ID_LABEL]: state.runId } : {}),
  };
}

export interface StateMirrorOptions {
  plan: MirrorKey;
  namespace?: string;
  onError?: (err: Error) => void;
  /** At most one write per this many ms while a run is busy (default 2000); `flush` writes at once. */
  minIntervalMs?: number;
}

export class StateMirror {
  readonly namespace: string;
  readonly name: string;
  private pending: RunState | undefined;
  private pump: Promise<void> | undefined;

  constructor(
    private readonly client: ConfigMapStore,
    private readonly opts: StateMirrorOptions,
  ) {
    this.namespace = opts.namespace ?? MIRROR_NAMESPACE;
    this.name = mirrorNameFor(opts.plan);
  }

  /** Queues `state` for mirroring; returns at once. Only the newest queued state is written. */
  update(state: RunState): void {
    this.pending = state;
    this.queued++;
    this.pump ??= this.drain();
  }

  /**
   * Resolves once every state queued so far has been written (or has failed and been reported) — not the ones
   * queued while it waits, so a busy run's commits never wait on each other's later updates.
   */
  async flush(): Promise<void> {
    const upTo = this.queued;
    if (this.written >= upTo || !this.pump) return;
    this.flushing++;
    try {
      this.hurry?.();
      await new Promise<void>((resolve) => this.waiters.push({ upTo, resolve }));
    } finally {
      this.flushing--;
    }
  }

  /** Updates queued, and the count the last finished write carried. */
  private queued = 0;
  private written = 0;
  private waiters: { upTo: number; resolve: () => void }[] = [];

  private settleWaiters(all: boolean): void {
    const still = this.waiters.filter((w) => !all && w.upTo > this.written);
    for (const w of this.waiters) if (!still.includes(w)) w.resolve();
    this.waiters = still;
  }

  private lastWrite = 0;
  private flushing = 0;
  private hurry: (() => void) | undefined;

  /** The one writer. It always awaits before its loop test, and clears `pump` in the same tick the loop ends. */
  private async drain(): Promise<void> {
    try {
      await Promise.resolve();
      while (this.pending) {
        const wait = this.lastWrite + (this.opts.minIntervalMs ?? 2000) - Date.now();
        if (wait > 0 && this.flushing === 0) {
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, wait);
            this.hurry = () => {
              clearTimeout(t);
              resolve();
            };
          });
          this.hurry = undefined;
        }
        const state = this.pending;
        if (!state) break;
        const carries = this.queued;
        this.pending = undefined;
        this.lastWrite = Date.now();
        await this.write(state);
        this.written = carries;
        this.settleWaiters(false);
      }
    } finally {
      this.pump = undefined;
      this.settleWaiters(true); // nothing is left to write
    }
  }

  private async write(state: RunState): Promise<void> {
    const where = `ConfigMap ${this.namespace}/${this.name}`;
    try {
      const json = JSON.stringify(state);
      const plain = Buffer.byteLength(json) <= PLAIN_MIRROR_BYTES;
      const gz = plain ? undefined : gzipSync(json);
      // binaryData travels base64-encoded: 4/3 of the gzip size.
      if (gz && Math.ceil(gz.length / 3) * 4 > MAX_MIRROR_BYTES) {
        throw new StateMirrorError(
          `The run state is ${Buffer.byteLength(json)} bytes (${gz.length} gzipped), too large for ${where} (1 MiB at most); the cluster mirror is not updated. The local state file stays the authority.`,
        );
      }
      const labels = recordLabels(state);
      if (gz)
        await this.client.putConfigMap({
          namespace: this.namespace,
          name: this.name,
          labels,
          data: {},
          binaryData: { [MIRROR_GZIP_KEY]: gz },
        });
      else
        await this.client.putConfigMap({
          namespace: this.namespace,
          name: this.name,
          labels,
          data: { [MIRROR_KEY]: json },
        });
    } catch (e) {
      const err =
        e instanceof StateMirrorError
          ? e
          : new StateMirrorError(
              `Could not mirror the run state to ${where}: ${(e as Error).message}. The local state file stays the authority; the run goes on.`,
              { cause: e },
            );
      try {
        this.opts.onError?.(err);
      } catch {
        // A failing reporter must not break the mirror either.
      }
    }
  }
}

/**
 * Reads the mirrored run state of a plan (e.g. a CI runner resuming on another machine); `undefined` when there
 * is none. Throws StateFileError when the mirror holds something that is not a run state.
 */
export async function readMirror(
  client: ConfigMapStore,
  plan: MirrorKey,
  namespace = MIRROR_NAMESPACE,
): Promise<RunState | undefined> {
  const cm = await client.getConfigMap(namespace, mirrorNameFor(plan));
  return cm && recordOf(cm);
}

/** The run state a record ConfigMap holds; `undefined` when it holds none. Throws StateFileError when it is not one. */
export function recordOf(cm: ConfigMapInfo): RunState | undefined {
  const { namespace, name } = cm;
  const gz = cm.binaryData[MIRROR_GZIP_KEY];
  if (gz) {
    let text: string;
    try {
      text = gunzipSync(gz).toString('utf8');
    } catch (e) {
      throw new StateFileError(
        `The run state in ConfigMap ${namespace}/${name} (key ${MIRROR_GZIP_KEY}) is not valid gzip (${(e as Error).message}); use the local state file, or delete the ConfigMap to start a new run.`,
        `ConfigMap ${namespace}/${name}`,
        { cause: e },
      );
    }
    return parseRunState(text, `ConfigMap ${namespace}/${name} (key ${MIRROR_GZIP_KEY})`);
  }
  const text = cm.data[MIRROR_KEY];
  if (text === undefined) return undefined;
  return parseRunState(text, `ConfigMap ${namespace}/${name} (key ${MIRROR_KEY})`);
}

/** One run record found in a cluster: its ConfigMap, and the run state it holds or why it cannot be read. */
export interface RunRecord {
  configMap: string;
  state?: RunState;
  problem?: string;
}

/** Every run record in the cluster (label-selected), newest update first; unreadable ones say why. */
export async function listRunRecords(client: ConfigMapStore, namespace = MIRROR_NAMESPACE): Promise<RunRecord[]> {
  const cms = await client.listConfigMaps(namespace, MIRROR_SELECTOR);
  const records = cms.map((cm): RunRecord => {
    const configMap = `${cm.namespace}/${cm.name}`;
    try {
      const state = recordOf(cm);
      return state ? { configMap, state } : { configMap, problem: 'holds no run state' };
    } catch (e) {
      return { configMap, problem: (e as Error).message };
    }
  });
  return records.sort(
    (a, b) =>
      (b.state ? Date.parse(b.state.updatedAt) : 0) - (a.state ? Date.parse(a.state.updatedAt) : 0) ||
      a.configMap.localeCompare(b.configMap),
  );
}
