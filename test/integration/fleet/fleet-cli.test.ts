/**
 * The `fleet` commands through the built CLI against 2 sandboxes: `fleet apply --log-format json` prints only
 * JSON events, every cluster event with its cluster; an approval gate pauses a non-interactive run (exit 4) until
 * `fleet approve`; `fleet status -o json` shows the result; a second run is a no-op (exit 0).
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
});
