/** The execution order of hops: worker hops interleave with control-plane hops by version. */
import { describe, expect, it } from 'vitest';
import { planSequence } from '../../../src/plan/index.js';
import { blockedPlan, buildPlan, safePlan, sandboxNodes } from './plan-builder.js';

const order = (steps: ReturnType<typeof planSequence>): string[] => steps.map((s) => `${s.kind} ${s.hop.to}`);

describe('planSequence', () => {
  it('runs the workers after the control plane in a one-hop plan', () => {
    expect(order(planSequence(safePlan()))).toEqual(['control-plane v1.32.0', 'workers v1.32.0']);
  });

  it('puts a skew hop between the control-plane hops it sits between', () => {
    expect(order(planSequence(blockedPlan()))).toEqual([
      'control-plane v1.31.4',
      'workers v1.31.4',
      'control-plane v1.32.0',
      'workers v1.32.0',
    ]);
  });

  it('puts a skew hop to the current version before every control-plane hop', () => {
    const plan = buildPlan({
      nodes: [...sandboxNodes('v1.30.6', 1, {}), ...sandboxNodes('v1.27.16', 0, { old: 1 })],
      target: 'v1.31.4',
      groups: ['pool=old'],
    });
    expect(order(planSequence(plan))).toEqual(['workers v1.30.6', 'control-plane v1.31.4', 'workers v1.31.4']);
  });

  it('keeps indexes into the document', () => {
    const steps = planSequence(blockedPlan());
    expect(steps.map((s) => `${s.kind}[${s.index}]`)).toEqual([
      'control-plane[0]',
      'workers[0]',
      'control-plane[1]',
      'workers[1]',
    ]);
  });
});
