/**
 * The plain-line renderer (CI logs, `--progress plain`): one line per meaningful event, `HH:MM:SS` (UTC, from
 * the event's `at`), then `[phase]` and the node when the event concerns one, so a log can be grepped by
 * phase or node. No ANSI escapes unless colour is asked for. It keeps only a node → phase map (the pod and
 * driver events name the node, not its phase).
 */
import type { EventSink, UpgradeEvent } from '../../../upgrade/run/index.js';
import { makeStyle, plural, type Style } from '../style.js';
import { blockedText, clockOf, evictedCount, formatDuration, gateText } from './format.js';

/** Turns events into lines (without the trailing newline); `undefined` for events not worth a line. */
export const createPlainFormatter = (opts: { color: boolean }): ((e: UpgradeEvent) => string | undefined) => {
  const s = makeStyle(opts.color);
  const phaseOf = new Map<string, string>();
  const drainDetail = new Map<string, string | undefined>();
  const evicted = new Map<string, number>();
  const scope = (phase: string | undefined, node?: string): string =>
    [phase ? s.cyan(`[${phase}]`) : undefined, node].filter(Boolean).join(' ');
  const line = (e: UpgradeEvent, where: string, text: string): string =>
    `${s.dim(clockOf(e.at))} ${where ? `${where} ` : ''}${text}`;

  return (e) => {
    switch (e.type) {
      case 'run-started': {
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
        return line(e, scope(e.phase), `started: ${e.title}`);
      case 'phase-finished':
        return line(e, scope(e.phase), paint(s, e.status, e.status === 'done' ? 'done' : e.status));
      case 'node-started':
        phaseOf.set(e.node, e.phase);
        evicted.set(e.node, 0);
        drainDetail.delete(e.node);
        return line(e, scope(e.phase, e.node), `started (${e.role} → ${e.version})`);
      case 'node-step':
        phaseOf.set(e.node, e.phase);
        if (e.step === 'drain') drainDetail.set(e.node, e.detail);
        return line(e, scope(e.phase, e.node), `${e.step}${e.detail ? `: ${e.detail}` : ''}`);
      case 'node-finished': {
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
        return line(e, scope(e.phase, e.node), s.red(`FAILED at ${e.step}: ${e.message}`));
      case 'pod-evicted': {
        const n = (evicted.get(e.node) ?? 0) + 1;
        evicted.set(e.node, n);
        return line(
          e,
          scope(phaseOf.get(e.node), e.node),
          `drain: ${e.how} ${e.pod} (${evictedCount(n, drainDetail.get(e.node))})`,
        );
      }
      case 'eviction-blocked':
        return line(e, scope(phaseOf.get(e.node), e.node), s.yellow(`drain: ${blockedText(e)}`));
      case 'pod-gone':
        return line(e, scope(phaseOf.get(e.node), e.node), `drain: ${e.pod} gone`);
      case 'driver-output':
        return line(e, scope(phaseOf.get(e.node), e.node), `${e.stream === 'stderr' ? 'err' : 'out'}| ${e.line}`);
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
        const st = e.summary;
        const text = `run ${st.runId} ${st.outcome} after ${formatDuration(st.durationMs)}${st.stoppedBy ? `: ${st.stoppedBy.message}` : ''}`;
        return line(e, '', paint(s, st.outcome, text));
      }
    }
  };
};

const paint = (s: Style, status: string, text: string): string =>
  status === 'done'
    ? s.green(text)
    : status === 'failed' || status === 'blocked' || status === 'locked' || status === 'invalid'
      ? s.red(text)
      : status === 'paused' || status === 'skipped'
        ? s.yellow(text)
        : text;

/** A sink that writes one line per event to `out`. */
export const createPlainSink = (out: NodeJS.WritableStream, opts: { color: boolean }): EventSink => {
  const format = createPlainFormatter(opts);
  return (e) => {
    const text = format(e);
    if (text !== undefined) out.write(`${text}\n`);
  };
};
