/**
 * `schemas/events.schema.json` describes what `--log-format json` prints and `<plan>.log` holds: every event type
 * the executor has (checked at compile time), and every event of a real run on the sandbox — with a PDB-blocked
 * drain, a skipped node and a rollback — as the JSON-line renderer writes it (with runId, cluster and phase) and as
 * the run log stores it. A made-up field or a missing one is refused, so the schema cannot quietly drift.
 */
import { AppsV1Api, CoreV1Api, PolicyV1Api } from '@kubernetes/client-node';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventContext } from '../../../src/cli/render/index.js';
import { runLogPathFor } from '../../../src/upgrade/report/index.js';
import type { UpgradeEvent, UpgradeEventType } from '../../../src/upgrade/run/index.js';
import { waitFor, type TestSandbox } from '../../helpers/sandbox.js';
import { doneRun, pausedRun } from '../../unit/render/run-events.js';
import { runApply, startApplySandbox, writePlan } from './apply-helpers.js';

const schema = JSON.parse(readFileSync(resolve('schemas/events.schema.json'), 'utf8')) as {
  oneOf: { properties: { type: { const: string } } }[];
};
const validate = new Ajv2020({ allErrors: true, validateFormats: false }).compile(schema);
const problems = (e: unknown) =>
  validate(e) ? [] : (validate.errors ?? []).map((x) => `${x.instancePath} ${x.message}`);

// Compile-time complete: adding an event type without listing it here fails the type check.
const EVENT_TYPES: Record<UpgradeEventType, true> = {
  'run-started': true,
  'lock-acquired': true,
  'preflight-finished': true,
  'phase-started': true,
  'phase-finished': true,
  'node-started': true,
  'node-step': true,
  'node-finished': true,
  'node-failed': true,
  'node-paused': true,
  'run-interrupted': true,
  'driver-waiting': true,
  'pod-evicted': true,
  'eviction-blocked': true,
  'pod-gone': true,
  'driver-output': true,
  'gate-waiting': true,
  'gate-passed': true,
  'gate-failed': true,
  'snapshot-taken': true,
  'etcd-restored': true,
  warning: true,
  'run-finished': true,
};

describe('schemas/events.schema.json', () => {
  it('has exactly one variant per event type', () => {
    expect(schema.oneOf.map((v) => v.properties.type.const).sort()).toEqual(Object.keys(EVENT_TYPES).sort());
  });

  it('accepts the renderer fixtures with their context, and refuses an unknown or a missing field', () => {
    for (const events of [pausedRun(), doneRun()]) {
      const withContext = createEventContext();
      for (const e of events) expect(problems(withContext(e)), e.type).toEqual([]);
    }
    const step = pausedRun().find((e) => e.type === 'node-step')!;
    expect(problems({ ...step, extra: 1 })).not.toEqual([]);
    const { node: _node, ...noNode } = step as UpgradeEvent & { node: string };
    expect(problems(noNode)).not.toEqual([]);
    expect(problems({ ...step, type: 'node-stepped' })).not.toEqual([]);
  });

  describe('against a real run', () => {
    let t: TestSandbox;
    const seen = new Set<string>();
    beforeAll(async () => {
      t = await startApplySandbox({ controlPlanes: 1, pools: [{ name: 'blue', count: 2 }] });
      const core = t.kc.makeApiClient(CoreV1Api);
      await core.createNamespace({ body: { metadata: { name: 'shop' } } });
      const labels = { app: 'web' };
      await t.kc.makeApiClient(AppsV1Api).createNamespacedDeployment({
        namespace: 'shop',
        body: {
          metadata: { name: 'web' },
          spec: {
            replicas: 2,
            selector: { matchLabels: labels },
            template: {
              metadata: { labels },
              spec: { containers: [{ name: 'web', image: 'registry.example.com/web:1' }] },
            },
          },
        },
      });
      await t.kc.makeApiClient(PolicyV1Api).createNamespacedPodDisruptionBudget({
        namespace: 'shop',
        body: { metadata: { name: 'web-pdb' }, spec: { maxUnavailable: 1, selector: { matchLabels: labels } } },
      });
      await waitFor(
        async () =>
          (await core.listNamespacedPod({ namespace: 'shop' })).items.filter((p) =>
            p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
          ).length === 2,
        'shop/web Ready',
        30_000,
      );
    }, 120_000);
    afterAll(async () => t?.stop());

    it('every event of an apply, as JSON lines print it and as the run log stores it', async () => {
      const { path } = await writePlan(t, { workers: ['pool=blue'], maxUnavailable: '1' });
      const { summary, events } = await runApply(t, path);
      expect(summary.outcome, JSON.stringify(summary.stoppedBy)).toBe('done');
      // As runWithProgress hands them to the renderer: events before run-started (preflight, lock) follow it.
      const start = events.findIndex((e) => e.type === 'run-started');
      const ordered = [events[start]!, ...events.slice(0, start), ...events.slice(start + 1)];
      const withContext = createEventContext();
      for (const e of ordered) {
        seen.add(e.type);
        const line = JSON.parse(JSON.stringify(withContext(e))) as Record<string, unknown>;
        expect(problems(line), JSON.stringify(line)).toEqual([]);
        expect(line.runId).toBe(summary.runId);
        expect(line.cluster).toBeTruthy();
      }
      const logged = readFileSync(runLogPathFor(path), 'utf8').trimEnd().split('\n');
      for (const l of logged) expect(problems(JSON.parse(l)), l).toEqual([]);
      for (const type of ['run-started', 'node-step', 'pod-evicted', 'pod-gone', 'driver-output', 'run-finished'])
        expect(seen, type).toContain(type);
    });
  });
});
