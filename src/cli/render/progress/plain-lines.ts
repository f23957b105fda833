/**
 * The plain-line renderer (CI logs, `--log-format plain`): one line per meaningful event, stamped with the
 * event's `at` as ISO-8601 UTC with its zone (`2026-08-21T19:40:00Z`), then `[phase]` and the node when the event
 * concerns one, so a log can be grepped by phase or node. No ANSI escapes unless colour is asked for. Repeated
 * refusals of the same eviction (429, a PDB) are one line and, when the drain moves on, one line with their count;
 * a step that prints nothing for 30 s gets a heartbeat line (`still waiting for Ready: 2m10s/10m`, the phase's
 * done/total), so a CI log never goes silent for ten minutes.
 */
import type { EventOf, EventSink, NodeStep, UpgradeEvent } from '../../../upgrade/run/index.js';
import { makeStyle, plural, type Style } from '../style.js';
import { blockedText, evictedCount, formatDuration, gateText, stampOf, STEP_ACTIVITY } from './format.js';

/** How long a step may print nothing before a heartbeat line says it is still going. */
export const HEARTBEAT_AFTER_MS = 30_000;

export interface PlainOptions {
  color: boolean;
  /** The limit of a step, shown in its heartbeat (`2m10s/10m`): e.g. `wait-ready` from --node-ready-timeout. */
  limits?: Partial<Record<NodeStep, number>>;
}

/** Turns events into lines; `heartbeat(now)` gives the lines of steps silent for {@link HEARTBEAT_AFTER_MS}. */
export interface PlainFormatter {
  (e: UpgradeEvent): string | undefined;
  heartbeat(nowMs: number): string[];
}

interface Refusals {
  pod: string;
  pdb?: string;
  count: number;
  firstAt: number;
  message: string;
}
interface NodeLine {
  phase: string;
  step?: NodeStep;
  stepAt: number;
  lastLineAt: number;
  refusals?: Refusals;
}
interface PhaseLine {
  startedAt: number;
  lastLineAt: number;
  total: number;
  finished: number;
}

export const createPlainFormatter = (opts: PlainOptions): PlainFormatter => {
  const s = makeStyle(opts.color);
  const phaseOf = new Map<string, string>();
  const drainDetail = new Map<string, string | undefined>();
  const evicted = new Map<string, number>();
  const nodes = new Map<string, NodeLine>();
  const phases = new Map<string, PhaseLine>();
  const phaseTotals = new Map<string, number>();
  const scope = (phase: string | undefined, node?: string): string =>
    [phase ? s.cyan(`[${phase}]`) : undefined, node].filter(Boolean).join(' ');
  const stamped = (at: string, where: string, text: string): string =>
    `${s.dim(stampOf(at))} ${where ? `${where} ` : ''}${text}`;
  const line = (e: UpgradeEvent, where: string, text: string): string => stamped(e.at, where, text);
  const refusalsText = (r: Refusals, endMs: number): string =>
    `eviction of ${r.pod} refused ${r.count} times${r.pdb ? ` by PDB ${r.pdb}` : ''} over ${formatDuration(endMs - r.firstAt)} (last: ${r.message})`;

  const format = (e: UpgradeEvent): string | undefined => {
    const at = Date.parse(e.at);
    const node = 'node' in e && e.node ? e.node : undefined;
    const n = node ? nodes.get(node) : undefined;
    // Another event for a node whose eviction was refused several times: say how many, once, before it.
    let before: string | undefined;
    if (node && n?.refusals && !(e.type === 'eviction-blocked' && sameRefusal(n.refusals, e))) {
      if (n.refusals.count > 1)
        before = stamped(e.at, scope(n.phase, node), s.yellow(`drain: ${refusalsText(n.refusals, at)}`));
      n.refusals = undefined;
    }
    const text = formatOne(e, at);
    if (node && text !== undefined) {
      const m = nodes.get(node);
      if (m) m.lastLineAt = at;
    }
    const phase = 'phase' in e && typeof e.phase === 'string' ? e.phase : node ? phaseOf.get(node) : undefined;
    const p = phase ? phases.get(phase) : undefined;
    if (p && text !== undefined) p.lastLineAt = at;
    return before === undefined ? text : text === undefined ? before : `${before}\n${text}`;
  };

  const formatOne = (e: UpgradeEvent, at: number): string | undefined => {
    switch (e.type) {
      case 'run-started': {
        for (const p of e.phases) phaseTotals.set(p.id, p.nodes.length);
        const nodes = new Set(e.phases.flatMap((p) => p.nodes)).size;
        return line(
          e,
          '',
          `run ${e.runId} ${e.resumed ? 'resumed' : 'started'}: ${e.plan}, ${e.from} → ${e.to}, ${plural(e.phases.length, 'phase')}, ${plural(nodes, 'node')}`,
        );
      }
      case 'lock-acquired':
        return line(
          e,
          '',
          `lock acquired by ${e.holder}${e.takenOverFrom ? ` (taken over from ${e.takenOverFrom})` : ''}`,
        );
      case 'preflight-finished': {
        const text = `preflight: ${plural(e.blockers, 'blocker')}, ${plural(e.warnings, 'warning')}${e.waived.length > 0 ? `, waived: ${e.waived.join(', ')}` : ''}`;
        return line(e, '', e.blockers > 0 ? s.red(text) : text);
      }
      case 'phase-started':
        phases.set(e.phase, { startedAt: at, lastLineAt: at, total: phaseTotals.get(e.phase) ?? 0, finished: 0 });
        return line(e, scope(e.phase), `started: ${e.title}`);
      case 'phase-finished':
        phases.delete(e.phase);
        return line(e, scope(e.phase), paint(s, e.status, e.status === 'done' ? 'done' : e.status));
      case 'node-started':
        phaseOf.set(e.node, e.phase);
        evicted.set(e.node, 0);
        drainDetail.delete(e.node);
        nodes.set(e.node, { phase: e.phase, stepAt: at, lastLineAt: at });
        return line(e, scope(e.phase, e.node), `started (${e.role} → ${e.version})`);
      case 'node-step': {
        phaseOf.set(e.node, e.phase);
        const n = nodes.get(e.node) ?? { phase: e.phase, stepAt: at, lastLineAt: at };
        nodes.set(e.node, { ...n, phase: e.phase, step: e.step, stepAt: at });
        if (e.step === 'drain') drainDetail.set(e.node, e.detail);
        return line(e, scope(e.phase, e.node), `${e.step}${e.detail ? `: ${e.detail}` : ''}`);
      }
      case 'node-finished': {
        nodes.delete(e.node);
        const p = phases.get(e.phase);
        if (p) p.finished++;
        if (e.status === 'skipped')
          return line(e, scope(e.phase, e.node), `${paint(s, 'skipped', 'skipped')}${e.detail ? `: ${e.detail}` : ''}`);
        const extra = [
          e.evictions > 0 ? plural(e.evictions, 'eviction') : undefined,
          e.blockedMs > 0 ? `blocked ${formatDuration(e.blockedMs)}` : undefined,
        ].filter(Boolean);
        return line(
          e,
          scope(e.phase, e.node),
          `${paint(s, 'done', 'done')} in ${formatDuration(e.durationMs)}${extra.length > 0 ? ` (${extra.join(', ')})` : ''}${e.detail ? `: ${e.detail}` : ''}`,
        );
      }
      case 'node-failed':
        nodes.delete(e.node);
        return line(e, scope(e.phase, e.node), s.red(`FAILED at ${e.step}: ${e.message}`));
      case 'node-paused':
        nodes.delete(e.node);
        return line(e, scope(e.phase, e.node), s.yellow(`paused at ${e.step}: ${e.message}`));
      case 'run-interrupted':
        return line(e, '', s.yellow(interruptedText(e)));
      case 'pod-evicted': {
        const n = (evicted.get(e.node) ?? 0) + 1;
        evicted.set(e.node, n);
        return line(
          e,
          scope(phaseOf.get(e.node), e.node),
          `drain: ${e.how} ${e.pod} (${evictedCount(n, drainDetail.get(e.node))})`,
        );
      }
      case 'eviction-blocked': {
        const n = nodes.get(e.node);
        if (n?.refusals && sameRefusal(n.refusals, e)) {
          n.refusals.count++;
          n.refusals.message = e.message;
          return undefined;
        }
        if (n) n.refusals = { pod: e.pod, pdb: e.pdb, count: 1, firstAt: at, message: e.message };
        return line(e, scope(phaseOf.get(e.node), e.node), s.yellow(`drain: ${blockedText(e)}`));
      }
      case 'pod-gone':
        return line(e, scope(phaseOf.get(e.node), e.node), `drain: ${e.pod} gone`);
      case 'driver-output':
        return line(e, scope(phaseOf.get(e.node), e.node), `${e.stream === 'stderr' ? 'err' : 'out'}| ${e.line}`);
      case 'driver-waiting':
        return line(e, scope(phaseOf.get(e.node), e.node), s.yellow(e.message));
      case 'gate-waiting':
        return line(e, scope(e.phase, e.node), gateText(e));
      case 'gate-passed':
        return line(e, scope(e.phase, e.node), 'health gate passed');
      case 'gate-failed':
        return line(e, scope(e.phase, e.node), s.red(gateText(e)));
      case 'snapshot-taken':
        return line(
          e,
          scope(e.phase),
          `etcd snapshot ${e.path}: revision ${e.revision}, ${Math.round(e.sizeBytes / 1024)} KiB, sha256 ${e.sha256.slice(0, 12)}…, verified (taken on ${e.takenOn})`,
        );
      case 'etcd-restored':
        return line(e, scope(e.phase, e.node), `etcd restored from ${e.snapshot}`);
      case 'warning':
        return line(e, '', s.yellow(`warning: ${e.message}`));
      case 'run-finished': {
        nodes.clear();
        phases.clear();
        const st = e.summary;
        const text = `run ${st.runId} ${st.outcome} after ${formatDuration(st.durationMs)}${st.stoppedBy ? `: ${st.stoppedBy.message}` : ''}`;
        return line(e, '', paint(s, st.outcome, text));
      }
    }
  };

  const heartbeat = (now: number): string[] => {
    const at = new Date(now).toISOString();
    const out: string[] = [];
    const busyPhases = new Set<string>();
    for (const [node, n] of nodes) {
      busyPhases.add(n.phase);
      if (!n.step || now - n.lastLineAt < HEARTBEAT_AFTER_MS) continue;
      n.lastLineAt = now;
      const limit = opts.limits?.[n.step];
      const p = phases.get(n.phase);
      const parts = [
        `still ${STEP_ACTIVITY[n.step]}: ${formatDuration(now - n.stepAt)}${limit ? `/${formatDuration(limit)}` : ''}`,
        n.refusals ? refusalsText(n.refusals, now) : undefined,
        p && p.total > 0 ? `phase ${p.finished}/${p.total} done` : undefined,
      ].filter(Boolean);
      out.push(stamped(at, scope(n.phase, node), parts.join(', ')));
    }
    for (const [phase, p] of phases) {
      if (busyPhases.has(phase) || now - p.lastLineAt < HEARTBEAT_AFTER_MS) continue;
      p.lastLineAt = now;
      const counts = p.total > 0 ? `, ${p.finished}/${p.total} nodes done` : '';
      out.push(stamped(at, scope(phase), `still running: ${formatDuration(now - p.startedAt)}${counts}`));
    }
    return out;
  };

  return Object.assign(format, { heartbeat });
};

const sameRefusal = (r: Refusals, e: { pod: string; pdb?: string }): boolean => r.pod === e.pod && r.pdb === e.pdb;

/** `pausing…` after the first interrupt, `cancelling…` after the second, with the nodes concerned. */
export const interruptedText = (e: EventOf<'run-interrupted'>): string => {
  const inFlight = e.inFlight.length > 0 ? e.inFlight.join(', ') : 'none';
  if (e.how === 'pause') {
    const drivers = e.inDriver.length > 0 ? `; drivers running: ${e.inDriver.join(', ')}` : '';
    return `interrupted: pausing… no new node starts; nodes in flight (${inFlight}) finish up to a safe point${drivers}. Interrupt again to cancel them.`;
  }
  const drivers = e.inDriver.length > 0 ? `; interrupted in their driver: ${e.inDriver.join(', ')}` : '';
  return `interrupted again: cancelling the steps in flight (${inFlight})${drivers}`;
};

const paint = (s: Style, status: string, text: string): string =>
  status === 'done'
    ? s.green(text)
    : status === 'failed' || status === 'blocked' || status === 'locked' || status === 'invalid'
      ? s.red(text)
      : status === 'paused' || status === 'skipped'
        ? s.yellow(text)
        : text;

export interface PlainSink {
  sink: EventSink;
  /** Stops the heartbeat timer (also stopped by `run-finished`). */
  dispose(): void;
}

/** A sink that writes one line per event to `out`, and heartbeats every few seconds' check (`tickMs`). */
export const createPlainSink = (
  out: NodeJS.WritableStream,
  opts: PlainOptions & { now?: () => number; tickMs?: number },
): PlainSink => {
  const format = createPlainFormatter(opts);
  const now = opts.now ?? Date.now;
  let timer: NodeJS.Timeout | undefined;
  const dispose = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };
  const sink: EventSink = (e) => {
    if (!timer && e.type !== 'run-finished') {
      timer = setInterval(() => {
        for (const l of format.heartbeat(now())) out.write(`${l}\n`);
      }, opts.tickMs ?? 5_000);
      timer.unref();
    }
    const text = format(e);
    if (text !== undefined) out.write(`${text}\n`);
    if (e.type === 'run-finished') dispose();
  };
  return { sink, dispose };
};
