/**
 * The run journal: the one in-memory RunState of an apply, saved after every transition — atomically to the
 * local state file (the authority) and, coalesced, to the ConfigMap mirror. Callers change the state only
 * through `update`, so nothing is changed without being persisted.
 */
import { writeStateFile } from '../state-store.js';
import type { StateMirror } from '../state-mirror.js';
import type { NodeRunState, PhaseRunState, RunState } from '../run-state-types.js';

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

  /**
   * Applies `change` and persists it: at once when the last save is older than `minIntervalMs`, else within
   * that interval (progress marks of many nodes in a window coalesce into one atomic write). A kill loses at
   * most that much progress, which the next run re-derives from the cluster. What must be on disk before the
   * step it guards (the intent to cordon, a driver run) goes through `commit`.
   */
  update(change: (s: RunState) => void): void {
    change(this.state);
    const wait = this.lastSave + this.minIntervalMs - Date.now();
    if (wait <= 0) this.save();
    else this.trailing ??= setTimeout(() => this.save(), wait);
  }

  /** Applies `change` and writes the state file before returning. */
  commit(change: (s: RunState) => void): void {
    change(this.state);
    this.save();
  }

  save(): void {
    if (this.trailing) clearTimeout(this.trailing);
    this.trailing = undefined;
    this.lastSave = Date.now();
    this.state.updatedAt = this.now().toISOString();
    writeStateFile(this.path, this.state);
    this.mirror?.update(this.state);
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

  async flush(): Promise<void> {
    if (this.trailing) this.save();
    await this.mirror?.flush();
  }
}
