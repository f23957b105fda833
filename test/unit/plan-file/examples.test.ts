/**
 * The committed example plans in plans/examples/ (one per node driver) stay valid: each parses with its hash,
 * and each is exactly what the serializer writes for the example built in plan-builder.ts
 * (regenerate with `npx vitest run --project unit test/unit/plan-file -u`).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parsePlan, serializePlan } from '../../../src/plan/index.js';
import { examplePlans } from './plan-builder.js';

const DIR = fileURLToPath(new URL('../../../plans/examples/', import.meta.url));
const EXAMPLES = Object.keys(examplePlans()).sort();
const listed = (): string[] =>
  readdirSync(DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort();

describe('plans/examples', () => {
  it.each(EXAMPLES)('%s is what the serializer writes', async (file) => {
    await expect(serializePlan(examplePlans()[file]!)).toMatchFileSnapshot(`../../../plans/examples/${file}`);
  });

  it('has one example per node driver', () => {
    expect(listed()).toEqual(['exec-driver.yaml', 'kubeadm-ssh-driver.yaml']);
    expect(EXAMPLES).toEqual(listed());
    const types = listed().map((f) => parsePlan(readFileSync(DIR + f, 'utf8')).driver.type);
    expect(types.sort()).toEqual(['exec', 'kubeadm-ssh']);
  });

  it.each(EXAMPLES)('%s parses, with a matching content hash', (file) => {
    const plan = parsePlan(readFileSync(DIR + file, 'utf8'), { source: `plans/examples/${file}` });
    expect(plan.from).toBe('v1.31.4');
    expect(plan.to).toBe('v1.32.0');
    expect(plan.controlPlane.nodes).toHaveLength(3);
    expect(plan.groups.filter((g) => !g.implicit)).toHaveLength(2);
    expect(plan.summary.safe).toBe(true);
  });

  it('the exec example drives the sandbox node side', () => {
    const plan = parsePlan(readFileSync(`${DIR}exec-driver.yaml`, 'utf8'));
    expect(plan.driver).toEqual({
      type: 'exec',
      exec: {
        upgrade: [
          'k8s-upgrade',
          'sandbox',
          'node',
          'upgrade',
          '--kubeconfig',
          '.sandbox/kubeconfig',
          '{node}',
          '{version}',
        ],
        timeoutSeconds: 600,
      },
    });
    expect(plan.cluster.context).toBe('sandbox');
    expect(plan.metadata.name).toBe('sandbox-v1.31.4-to-v1.32.0');
  });
});
