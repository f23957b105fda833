/**
 * The `fleet` commands through the built CLI against 2 sandboxes: `fleet apply --log-format json` prints only
 * JSON events, every cluster event with its cluster; an approval gate pauses a non-interactive run (exit 4) until
 * `fleet approve`; `fleet status -o json` shows the result; a second run is a no-op (exit 0); kill -9 mid-stage
 * and a re-run upgrade every machine once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { BIN, machines } from '../upgrade/apply-helpers.js';
import { cluster, fleetPlan, stopClusters } from './fleet-helpers.js';

afterEach(stopClusters);

const cli = (args: string[]) =>
  execa(process.execPath, [BIN, ...args], { reject: false, env: { NO_COLOR: '1', CI: 'true' } });
const fast = ['--yes', '--skip-etcd-snapshot', '--node-ready-timeout', '30', '--eviction-retry-delay', '1'];

describe('fleet commands', () => {
  it('apply (json lines) pauses on an approval gate, approve, apply again finishes; status shows it', async () => {
    const [a, b] = await Promise.all([cluster(21), cluster(22)]);
    const path = await fleetPlan(a!.dir, { a: a!, b: b! }, [
      { name: 'canary', clusters: ['a'] },
      { name: 'rest', clusters: ['b'], gates: { before: [{ approval: true }] } },
    ]);
    const r1 = await cli(['fleet', 'apply', path, ...fast, '--log-format', 'json']);
    expect(r1.exitCode, String(r1.stderr)).toBe(4);
    const events = String(r1.stdout)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; cluster?: string });
    const clusterEvents = events.filter((e) => !e.type.startsWith('fleet-'));
    expect(clusterEvents.length).toBeGreaterThan(5);
    expect(clusterEvents.every((e) => e.cluster === 'a')).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: 'fleet-finished', outcome: 'paused' });

    expect((await cli(['fleet', 'approve', path, '--stage', 'rest'])).exitCode).toBe(0);
    const r2 = await cli(['fleet', 'apply', path, ...fast]);
    expect(r2.exitCode, String(r2.stdout) + String(r2.stderr)).toBe(0);
    expect(String(r2.stdout)).toMatch(/\[b\] .*blue-1/);

    const st = await cli(['fleet', 'status', path, '-o', 'json']);
    const view = JSON.parse(String(st.stdout)) as { status: string; stages: { done: number; total: number }[] };
    expect(view.status).toBe('done');
    expect(view.stages.map((s) => [s.done, s.total])).toEqual([
      [1, 1],
      [1, 1],
    ]);
    expect((await cli(['fleet', 'apply', path, ...fast])).exitCode).toBe(0);
    for (const t of [a!, b!])
      for (const m of machines(t).filter((x) => x.role === 'worker')) expect(m.upgrades, m.name).toBe(1);
  }, 180_000);

  it('kill -9 of fleet apply mid-stage, then a re-run: every cluster at the target, every machine upgraded once', async () => {
    const [a, b, c] = await Promise.all([cluster(23), cluster(24), cluster(25)]);
    const path = await fleetPlan(a!.dir, { a: a!, b: b!, c: c! }, [
      { name: 'canary', clusters: ['a'] },
      { name: 'rest', clusters: ['b', 'c'], maxConcurrency: 2 },
    ]);
    const child = execa(process.execPath, [BIN, 'fleet', 'apply', path, ...fast, '--log-format', 'json'], {
      reject: false,
      env: { NO_COLOR: '1', CI: 'true' },
    });
    let buf = '';
    let killed = false;
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        const e = JSON.parse(line) as { type: string; cluster?: string };
        if (!killed && e.type === 'node-finished' && e.cluster === 'b') {
          killed = true;
          child.kill('SIGKILL');
        }
      }
    });
    await child;
    expect(killed).toBe(true);
    const r = await cli(['fleet', 'apply', path, ...fast, '--log-format', 'json']);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const rebuilt = String(r.stdout)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; cluster?: string; state?: string })
      .filter((e) => e.type === 'fleet-cluster-rebuilt');
    expect(rebuilt.map((e) => e.cluster)).toContain('b');
    for (const t of [a!, b!, c!])
      for (const m of machines(t).filter((x) => x.role === 'worker'))
        expect(m, m.name).toMatchObject({ kubeletVersion: 'v1.32.0', upgrades: 1 });
  }, 180_000);
});
