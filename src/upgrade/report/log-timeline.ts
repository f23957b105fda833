/**
 * Turns the run log's events into intervals: the attempts (each `run-started` of this run up to its
 * `run-finished`, the next `run-started`, or the last event), and per node of a phase its segments (node-started
 * → finished/failed), its steps (`node-step` → the next step or the node's end) and its PDB waits (the first
 * `eviction-blocked` of a pod → its eviction, its disappearance, the node's next step or end). Whatever is still
 * open when an attempt ends (a kill, a pause) is closed there and marked interrupted. Events of another run
 * (an older plan's) and those outside an attempt (an early stop: lock held, preflight blockers) are left out.
 */
import type { EventOf, UpgradeEvent } from '../run/events.js';
import { STEP_CATEGORY, type PdbWait, type ReportAttempt, type StepSpan, type TimeSpan } from './report-types.js';

export interface NodeTrack {
  phase: string;
  node: string;
  role?: 'control-plane' | 'worker';
  segments: (TimeSpan & { attempt: number })[];
  steps: StepSpan[];
  pdbWaits: PdbWait[];
  finishedStatus?: 'done' | 'skipped';
  detail?: string;
  error?: string;
  failedStep?: StepSpan['step'];
}

export interface LogTimeline {
  attempts: ReportAttempt[];
  /** Keyed by `nodeKey(phase, node)`, in the order first seen. */
  nodes: Map<string, NodeTrack>;
  phases: Map<string, (TimeSpan & { attempt: number; status?: string })[]>;
  restores: { node: string; snapshot: string; atMs: number }[];
  /** Events that belong to an attempt of this run. */
  used: number;
}

export const nodeKey = (phase: string, node: string): string => `${phase}\u0000${node}`;

interface OpenNode {
  track: NodeTrack;
  startMs: number;
  attempt: number;
  step?: StepSpan;
  waits: Map<string, PdbWait>;
}

/** `isRollback(phaseIds)`: whether a `run-started` with these phases is a rollback of the run. */
export function buildLogTimeline(
  events: readonly UpgradeEvent[],
  runId: string,
  isRollback: (phaseIds: string[]) => boolean,
): LogTimeline {
  const out: LogTimeline = { attempts: [], nodes: new Map(), phases: new Map(), restores: [], used: 0 };
  let attempt: ReportAttempt | undefined;
  /** Node name → what is open for it in the current attempt (a node is in one phase at a time). */
  let open = new Map<string, OpenNode>();
  let openPhases = new Map<string, TimeSpan & { attempt: number; status?: string }>();

  const endAttempt = (atMs: number) => {
    if (!attempt) return;
    for (const o of open.values()) closeNode(o, atMs, true);
    for (const p of openPhases.values()) p.endMs = atMs;
    attempt.endMs = atMs;
    attempt = undefined;
    open = new Map();
    openPhases = new Map();
  };

  for (const e of events) {
    const at = Date.parse(e.at);
    if (e.type === 'run-started') {
      if (attempt) endAttempt(attempt.endMs);
      if (e.runId !== runId) continue;
      attempt = {
        index: out.attempts.length + 1,
        kind: isRollback(e.phases.map((p) => p.id)) ? 'rollback' : 'apply',
        resumed: e.resumed,
        startMs: at,
        endMs: at,
      };
      out.attempts.push(attempt);
      out.used++;
      continue;
    }
    if (!attempt) continue;
    out.used++;
    attempt.endMs = Math.max(attempt.endMs, at);
    const n = attempt.index;
    switch (e.type) {
      case 'run-finished':
        attempt.outcome = e.summary.outcome;
        endAttempt(at);
        break;
      case 'phase-started': {
        const span = { startMs: at, endMs: at, attempt: n };
        openPhases.set(e.phase, span);
        push(out.phases, e.phase, span);
        break;
      }
      case 'phase-finished': {
        const span = openPhases.get(e.phase);
        if (span) {
          span.endMs = at;
          span.status = e.status;
          openPhases.delete(e.phase);
        }
        break;
      }
      case 'node-started': {
        const prev = open.get(e.node);
        if (prev) closeNode(prev, at, true);
        const track = trackOf(out, e.phase, e.node);
        track.role = e.role;
        open.set(e.node, { track, startMs: at, attempt: n, waits: new Map() });
        break;
      }
      case 'node-step': {
        const o = openFor(open, e);
        if (!o) break;
        closeStep(o, at, false);
        closeWaits(o, at);
        o.step = {
          step: e.step,
          category: STEP_CATEGORY[e.step],
          ...(e.detail ? { detail: e.detail } : {}),
          startMs: at,
          endMs: at,
          attempt: n,
          interrupted: false,
          failed: false,
        };
        o.track.steps.push(o.step);
        break;
      }
      case 'node-finished': {
        const o = openFor(open, e);
        const track = o?.track ?? trackOf(out, e.phase, e.node);
        track.finishedStatus = e.status;
        if (e.detail) track.detail = e.detail;
        if (o) {
          closeNode(o, at, false);
          open.delete(e.node);
        } else track.segments.push({ startMs: at, endMs: at, attempt: n }); // skipped: nothing was started
        break;
      }
      case 'node-failed': {
        const o = openFor(open, e);
        if (!o) break;
        if (o.step) o.step.failed = true;
        o.track.error = e.message;
        o.track.failedStep = e.step;
        closeNode(o, at, false);
        open.delete(e.node);
        break;
      }
      case 'node-paused': {
        // Stopped at a safe point (an interrupt, a timed-out wait): not a failure; the next attempt continues it.
        const o = openFor(open, e);
        if (!o) break;
        closeNode(o, at, false);
        open.delete(e.node);
        break;
      }
      case 'eviction-blocked': {
        const o = open.get(e.node);
        if (!o) break;
        const wait = o.waits.get(e.pod);
        if (wait) {
          wait.refusals++;
          wait.message = e.message;
          wait.endMs = at;
        } else {
          const pdb = e.pdb
            ? e.pdb.includes('/') || !e.pod.includes('/')
              ? e.pdb
              : `${e.pod.split('/')[0]}/${e.pdb}`
            : undefined;
          const w: PdbWait = {
            pod: e.pod,
            ...(pdb ? { pdb } : {}),
            message: e.message,
            refusals: 1,
            startMs: at,
            endMs: at,
            attempt: n,
          };
          o.waits.set(e.pod, w);
          o.track.pdbWaits.push(w);
        }
        break;
      }
      case 'pod-evicted':
      case 'pod-gone': {
        const o = open.get(e.node);
        const w = o?.waits.get(e.pod);
        if (o && w) {
          w.endMs = at;
          o.waits.delete(e.pod);
        }
        break;
      }
      case 'etcd-restored':
        out.restores.push({ node: e.node, snapshot: e.snapshot, atMs: at });
        break;
      default:
        break;
    }
  }
  if (attempt) endAttempt(attempt.endMs);
  return out;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

function trackOf(out: LogTimeline, phase: string, node: string): NodeTrack {
  const key = nodeKey(phase, node);
  let t = out.nodes.get(key);
  if (!t) {
    t = { phase, node, segments: [], steps: [], pdbWaits: [] };
    out.nodes.set(key, t);
  }
  return t;
}

/** The open node of an event naming its phase: only when it is open in that phase. */
function openFor(
  open: Map<string, OpenNode>,
  e: EventOf<'node-step' | 'node-finished' | 'node-failed' | 'node-paused'>,
): OpenNode | undefined {
  const o = open.get(e.node);
  return o && o.track.phase === e.phase ? o : undefined;
}

function closeStep(o: OpenNode, atMs: number, interrupted: boolean): void {
  if (!o.step) return;
  o.step.endMs = atMs;
  o.step.interrupted = interrupted;
  o.step = undefined;
}

function closeWaits(o: OpenNode, atMs: number): void {
  for (const w of o.waits.values()) w.endMs = atMs;
  o.waits.clear();
}

function closeNode(o: OpenNode, atMs: number, interrupted: boolean): void {
  closeStep(o, atMs, interrupted);
  closeWaits(o, atMs);
  o.track.segments.push({ startMs: o.startMs, endMs: atMs, attempt: o.attempt });
}
