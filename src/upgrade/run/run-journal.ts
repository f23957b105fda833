/**
 * The run journal: the one in-memory RunState of an apply, saved after every transition — atomically to the
 * local state file (the authority) and, coalesced, to the ConfigMap mirror. Callers change the state only
 * through `update`, so nothing is changed without being persisted.
 */
import { writeStateFile } from './state-store.js';
import type { StateMirror } from './state-mirror.js';
import type { NodeRunState, PhaseRunState, RunState } from './run-state-types.js';

export class RunJournal {
  constructor(
    readonly state: RunState,
    readonly path: string,
    private readonly mirror?: StateMirror,
    private readonly now: () => Date = () => new Date(),
    private readonly minIntervalMs = 250,
  ) {}

  private lastSave = 0;
  private trailing: NodeJS.Timeout | undefined;
  /** The write in progress, and the one queued behind it that will carry every change made meanwhile. */
  private writing: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  /**
   * Applies `change` and persists it: at once when the last save is older than `minIntervalMs`, else within
   * that interval (progress marks of many nodes in a window coalesce into one atomic write). A kill loses at
   * most that much progress, which the next run re-derives from the cluster. What must be on disk before the
   * step it guards (the intent to cordon, a driver run) goes through `commit`. A failed background write is
   * not lost: the next `commit` (or `flush`) writes the whole state again and reports a failure.
   */
  update(change: (s: RunState) => void): void {
    change(this.state);
    if (this.trailing || this.queued) return; // a pending write will carry this change
    const wait = this.lastSave + this.minIntervalMs - Date.now();
    if (wait <= 0) this.save().catch(() => undefined);
    else this.trailing = setTimeout(() => this.save().catch(() => undefined), wait);
  }

  /**
   * Applies `change` and resolves once the state file holding it is on disk and the mirror has been written
   * (or its write failed and was reported). Commits from many nodes at once
   * share writes (group commit): while one write is in progress, the next one waits and then carries every
   * change made meanwhile, so the number of writes follows the disk's pace, not the number of steps.
   */
  async commit(change: (s: RunState) => void): Promise<void> {
    change(this.state);
    await this.save();
    // What a commit guards must be in the cluster's record too: a runner that resumes from the mirror alone
    // (the local file lost with its machine) must not repeat the step. Mirror failures are reported, not thrown.
    if (!this.mirrorHeld) await this.mirror?.flush();
  }

  private mirrorHeld = false;

  /**
   * Holds mirror writes (while an etcd restore has the API server down: what it would write is rewound anyway);
   * releasing writes the whole state again at the next save.
   */
  holdMirror(hold: boolean): void {
    this.mirrorHeld = hold;
  }

  /** Writes the whole state now (or right after the write in progress); resolves when it is durable. */
  save(): Promise<void> {
    if (this.trailing) clearTimeout(this.trailing);
    this.trailing = undefined;
    if (this.queued) return this.queued;
    const run = async (): Promise<void> => {
      await this.writing?.catch(() => undefined);
      this.queued = undefined;
      this.lastSave = Date.now();
      this.state.updatedAt = this.now().toISOString();
      const write = writeStateFile(this.path, this.state);
      this.writing = write;
      if (!this.mirrorHeld) this.mirror?.update(this.state);
      try {
        await write;
      } finally {
        if (this.writing === write) this.writing = undefined;
      }
    };
    this.queued = run();
    return this.queued;
  }

  phase(id: string): PhaseRunState {
    const p = this.state.phases.find((x) => x.id === id) ?? this.state.rollback?.phases.find((x) => x.id === id);
    if (!p) throw new Error(`internal: no phase ${id} in the run state`);
    return p;
  }

  node(phaseId: string, node: string): NodeRunState {
    const n = this.phase(phaseId).nodes.find((x) => x.node === node);
    if (!n) throw new Error(`internal: no node ${node} in phase ${phaseId}`);
    return n;
  }

  /** Every node this run cordoned and has not uncordoned yet (across phases). */
  cordonedByUs(): string[] {
    const all = [...this.state.phases, ...(this.state.rollback?.phases ?? [])];
    return [...new Set(all.flatMap((p) => p.nodes.filter((n) => n.cordonedByUs).map((n) => n.node)))];
  }

  /** Writes what is not on disk yet and waits for the mirror: call before the process exits. */
  async flush(): Promise<void> {
    if (this.trailing || this.queued) await this.save();
    else await this.writing;
    await this.mirror?.flush();
  }
}
