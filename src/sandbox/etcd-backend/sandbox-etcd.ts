/**
 * The sandbox's etcd: one member (named after the first control-plane node) that holds every object the
 * sandbox serves under /registry, kept current by the write-through queue; and the etcd half of a restore
 * (stop the member, `etcdctl snapshot restore` into a new data dir, start it there, read everything back).
 * The API half (stopping the apiserver, reloading the store, resyncing controllers) is node-side/restore-etcd.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ObjectStore } from '../store/object-store.js';
import type { KObject } from '../store/types.js';
import { RESOURCES, storageKey } from '../api/resources.js';
import { EtcdGateway } from './gateway.js';
import { REGISTRY_PREFIX, parseEtcdKey } from './keys.js';
import { EtcdProcess, clientUrl, freePorts, snapshotRestore, type EtcdMemberConfig } from './process.js';
import { WriteThrough } from './write-through.js';

export interface EtcdInfo {
  /** Client URLs (one member). */
  endpoints: string[];
  /** The member's current data dir (a new one after each restore). */
  dataDir: string;
  /** The member's name: the first control-plane node. */
  member: string;
  /** The node whose etcd static pod this member stands for. */
  node: string;
  /** Restores done since start. */
  restores: number;
}

export interface LoadedObject {
  resource: string;
  obj: KObject;
}

export class SandboxEtcd {
  private gateway: EtcdGateway;
  private readonly writes: WriteThrough;
  private restores = 0;

  private constructor(
    private proc: EtcdProcess,
    private readonly workDir: string,
    private readonly ownsWorkDir: boolean,
  ) {
    this.gateway = new EtcdGateway(clientUrl(proc.config));
    this.writes = new WriteThrough(this.gateway);
  }

  /** Starts etcd for `member` with a data dir under `workDir` (default: a new temp dir, removed on stop). */
  static async start(opts: { member: string; workDir?: string }): Promise<SandboxEtcd> {
    const ownsWorkDir = !opts.workDir;
    const workDir = opts.workDir ?? mkdtempSync(join(tmpdir(), 'k8s-upgrade-sandbox-etcd-'));
    const [clientPort, peerPort] = await freePorts(2);
    try {
      const proc = await EtcdProcess.start({
        member: opts.member,
        clientPort,
        peerPort,
        dataDir: join(workDir, 'data'),
        clusterToken: 'sandbox-etcd',
      });
      return new SandboxEtcd(proc, workDir, ownsWorkDir);
    } catch (e) {
      if (ownsWorkDir) rmSync(workDir, { recursive: true, force: true });
      throw e;
    }
  }

  get config(): EtcdMemberConfig {
    return this.proc.config;
  }

  info(): EtcdInfo {
    return {
      endpoints: [clientUrl(this.proc.config)],
      dataDir: this.proc.config.dataDir,
      member: this.proc.config.member,
      node: this.proc.config.member,
      restores: this.restores,
    };
  }

  /** Writes every object of `store` to etcd and follows its changes from now on. */
  attach(store: ObjectStore): void {
    const tables = new Set(RESOURCES.filter((d) => !d.virtual).map(storageKey));
    this.writes.attach(store, [...tables]);
  }

  /** Resolves when every change committed so far is in etcd. */
  flushed(): Promise<void> {
    return this.writes.flushed();
  }

  /** Every object under /registry, in key order. Keys the sandbox does not serve are skipped. */
  async load(): Promise<LoadedObject[]> {
    const out: LoadedObject[] = [];
    for (const kv of await this.gateway.rangePrefix(REGISTRY_PREFIX)) {
      const where = parseEtcdKey(kv.key);
      if (!where) continue;
      let obj: KObject;
      try {
        obj = JSON.parse(kv.value);
      } catch {
        continue;
      }
      if (obj?.metadata?.name !== where.name) continue;
      out.push({ resource: where.resource, obj });
    }
    return out;
  }

  /**
   * Stops etcd, restores `snapshot` into a new data dir with the same member name and peer URL and a new
   * cluster token, and starts etcd there on the same ports. Queued writes are drained first and writes
   * stay paused until `resumeWrites()`. If the restore or the start fails, etcd is started again on the old
   * data dir and the error is rethrown.
   */
  async restore(snapshot: string): Promise<void> {
    await this.writes.flushed();
    this.writes.pause();
    const old = this.proc.config;
    await this.proc.stop();
    this.gateway.close();
    const n = this.restores + 1;
    const next: EtcdMemberConfig = {
      ...old,
      dataDir: join(this.workDir, `data-restore-${n}`),
      clusterToken: `sandbox-etcd-restore-${n}`,
    };
    try {
      await snapshotRestore(snapshot, next);
      this.proc = await EtcdProcess.start(next);
    } catch (e) {
      this.proc = await EtcdProcess.start(old);
      this.useGateway();
      throw e;
    }
    this.restores = n;
    this.useGateway();
    this.writes.discard();
  }

  /** Lets the write-through queue send again (after a restore). */
  resumeWrites(): void {
    this.writes.resume();
  }

  async stop(): Promise<void> {
    this.writes.detach();
    // Let what is queued reach etcd (briefly), then drop the rest: no retries against an etcd being stopped.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.writes.flushed(), new Promise<void>((r) => (timer = setTimeout(r, 2_000)))]);
    clearTimeout(timer);
    this.writes.pause();
    this.writes.discard();
    this.gateway.close();
    await this.proc.stop();
    if (this.ownsWorkDir) rmSync(this.workDir, { recursive: true, force: true });
  }

  private useGateway(): void {
    this.gateway = new EtcdGateway(clientUrl(this.proc.config));
    this.writes.setGateway(this.gateway);
  }
}
