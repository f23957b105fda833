/**
 * The journal's record of a node driver's process, and what a resumed run does with it. Before a driver
 * starts, the journal records where (host, boot id) and when it starts and how long it may run; once the
 * process exists, its pid and process group (the driver runs in a group of its own, which survives a killed
 * run). A run that finds a record without an end — the run that started it was killed — never starts another
 * driver on that node while that process may still run: it asks the driver (ssh drivers look on the node), or
 * looks at the process group on this machine, and waits for it to end or for the driver's timeout to pass.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { sleepResolvingOnAbort } from '../../drain/index.js';
import type { ApplyContext } from './context.js';
import type { NodeRunState } from './run-state-types.js';

export type DriverRecord = NonNullable<NodeRunState['driver']>;

/** This machine's boot id (a pid is only meaningful within one boot); `unknown` where the kernel has none. */
export function currentBootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The record written before a driver starts (its pid follows once the process exists). */
export function driverRecordNow(timeoutMs: number): DriverRecord {
  return {
    host: hostname(),
    bootId: currentBootId(),
    runnerPid: process.pid,
    startedAt: new Date().toISOString(),
    timeoutMs,
  };
}

/** Whether a process group (or, without one, a process) on this machine still exists. */
export function processGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else; ESRCH: gone.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** What is known about a recorded driver that has no end: still running, gone, or unknown (another machine). */
export type DriverLiveness = 'running' | 'gone' | 'unknown';

export function localLiveness(rec: DriverRecord): DriverLiveness {
  if (rec.host !== hostname()) return 'unknown';
  if (rec.bootId !== currentBootId() || rec.bootId === 'unknown') return rec.bootId === 'unknown' ? 'unknown' : 'gone';
  if (rec.pgid === undefined) return rec.pid === undefined ? 'gone' : processGroupAlive(rec.pid) ? 'running' : 'gone';
  return processGroupAlive(rec.pgid) ? 'running' : 'gone';
}

const POLL_MS = 500;

/**
 * Waits until the driver an earlier (killed) run started on this node has ended — or its timeout has passed,
 * when it is stopped as its own run would have stopped it — saying so in a `driver-waiting` event. Returns
 * true when the journal had such a driver (the caller then reads the node again before running the driver),
 * false when there was none.
 */
export async function waitForEarlierDriver(ctx: ApplyContext, ns: NodeRunState): Promise<boolean> {
  const rec = ns.driver;
  if (!rec || rec.endedAt) return false;
  const deadline = Date.parse(rec.startedAt) + rec.timeoutMs;
  const alive = async (): Promise<boolean> => {
    const asked = ctx.driver.driverRunning ? await askDriver(ctx, ns) : undefined;
    if (asked !== undefined) return asked;
    const l = localLiveness(rec);
    // Nothing can tell (another machine ran it): it may run until its timeout.
    return l === 'running' || (l === 'unknown' && Date.now() < deadline);
  };
  if (await alive()) {
    const local = localLiveness(rec);
    const where =
      local === 'running'
        ? `pid ${rec.pid ?? rec.pgid}`
        : ctx.driver.driverRunning
          ? `still running on ${ns.node}`
          : `started on ${rec.host} at ${rec.startedAt}, which cannot be seen from here`;
    const until = new Date(deadline).toISOString();
    ctx.emit({
      type: 'driver-waiting',
      node: ns.node,
      ...(rec.pid !== undefined ? { pid: rec.pid } : {}),
      until,
      message: `waiting for the node driver of an earlier run (${where}) to end before running anything on ${ns.node}; at the latest until its timeout (${until})`,
    });
    while (Date.now() < deadline && !ctx.signal.aborted && (await alive()))
      await sleepResolvingOnAbort(Math.min(POLL_MS, Math.max(0, deadline - Date.now())), ctx.signal);
    if (ctx.signal.aborted) return true;
    if (localLiveness(rec) === 'running') {
      // Past its timeout: stopped as the run that started it would have stopped it.
      try {
        process.kill(-(rec.pgid ?? rec.pid!), 'SIGKILL');
      } catch {
        // ended meanwhile
      }
      ctx.emit({
        type: 'warning',
        message: `the node driver of an earlier run on ${ns.node} (pid ${rec.pid ?? rec.pgid}) ran past its timeout and was killed`,
      });
    }
  }
  await ctx.journal.commit(() => {
    if (ns.driver) ns.driver.endedAt = new Date().toISOString();
  });
  return true;
}

async function askDriver(ctx: ApplyContext, ns: NodeRunState): Promise<boolean | undefined> {
  try {
    const node = ctx.cache.nodes.get(ns.node);
    return await ctx.driver.driverRunning!({
      node: ns.node,
      labels: node?.labels ?? {},
      ...(node?.internalIP ? { internalIP: node.internalIP } : {}),
    });
  } catch {
    return undefined; // cannot tell: fall back to what this machine can see, then the timeout
  }
}
