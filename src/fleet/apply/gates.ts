/**
 * The gates before and after a stage. `approval` passes once `fleet approve --stage NAME` (or `--auto-approve`)
 * is recorded in the fleet state; `command` runs an argv without a shell and passes on exit 0 within its timeout
 * (default 5m); `url` passes on a 2xx answer within its timeout (default 30s). A gate that does not pass says why.
 */
import { execFile } from 'node:child_process';
import type { StageGate } from '../file/fleet-file-types.js';
import { parseDuration } from '../schedule/index.js';

export type GateResult = { passed: true } | { passed: false; approval: boolean; reason: string };

export interface GateDeps {
  approved: () => boolean;
  /** Aborts a running command or request (the fleet's second signal). */
  signal?: AbortSignal;
}

export const describeGate = (g: StageGate): string =>
  'approval' in g ? 'approval' : 'command' in g ? `command ${JSON.stringify(g.command)}` : `url ${g.url}`;

export async function checkGate(g: StageGate, deps: GateDeps): Promise<GateResult> {
  if ('approval' in g)
    return deps.approved() ? { passed: true } : { passed: false, approval: true, reason: 'waiting for approval' };
  if ('command' in g) {
    const timeout = parseDuration(g.timeout ?? '5m');
    const [file, ...args] = g.command;
    if (!file) return { passed: false, approval: false, reason: 'command gate with an empty argv' };
    return new Promise((resolve) => {
      execFile(file, args, { timeout, ...(deps.signal ? { signal: deps.signal } : {}) }, (err, _out, stderr) => {
        if (!err) return resolve({ passed: true });
        const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: number | string };
        const reason = e.killed
          ? `did not finish within ${g.timeout ?? '5m'}`
          : typeof e.code === 'number'
            ? `exited ${e.code}${stderr.trim() ? `: ${stderr.trim().split('\n').at(-1)}` : ''}`
            : e.message;
        resolve({ passed: false, approval: false, reason: `${describeGate(g)} ${reason}` });
      });
    });
  }
  const timeout = parseDuration(g.timeout ?? '30s');
  try {
    const signals = [AbortSignal.timeout(timeout), ...(deps.signal ? [deps.signal] : [])];
    const r = await fetch(g.url, { signal: AbortSignal.any(signals), redirect: 'follow' });
    await r.body?.cancel().catch(() => undefined);
    return r.status >= 200 && r.status < 300
      ? { passed: true }
      : { passed: false, approval: false, reason: `${describeGate(g)} answered ${r.status}` };
  } catch (e) {
    return { passed: false, approval: false, reason: `${describeGate(g)}: ${(e as Error).message}` };
  }
}
