/**
 * The plan file as text: round trip, stable bytes, key order, the header, the content hash (and its mismatch
 * after any edit), YAML syntax errors, and apiVersion handling.
 */
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  PLAN_KEYS,
  canonicalJson,
  computeContentHash,
  parsePlan,
  sealPlan,
  serializePlan,
  type UpgradePlan,
} from '../../../src/plan/index.js';
import { edited, parseRaw, planError } from './helpers.js';
import { blockedPlan, safePlan } from './plan-builder.js';

describe('serializePlan / parsePlan', () => {
  it.each([
    { name: 'a safe exec-driver plan', plan: safePlan() },
    { name: 'a multi-hop ssh plan with blockers', plan: blockedPlan() },
  ])('round-trips $name', ({ plan }) => {
    const text = serializePlan(plan);
    const back = parsePlan(text);
    expect(back).toEqual(plan);
    expect(serializePlan(back)).toBe(text);
  });

  it('stamps the content hash whatever metadata.contentHash held', () => {
    const plan = safePlan();
    const unsealed: UpgradePlan = { ...plan, metadata: { ...plan.metadata, contentHash: '' } };
    const back = parsePlan(serializePlan(unsealed));
    expect(back.metadata.contentHash).toBe(computeContentHash(plan));
    expect(back.metadata.contentHash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('writes the top-level keys in the documented order, whatever order the object has', () => {
    const plan = safePlan();
    const shuffled = Object.fromEntries(Object.entries(plan).reverse()) as unknown as UpgradePlan;
    const text = serializePlan(shuffled);
    expect(text).toBe(serializePlan(plan));
    expect(Object.keys(YAML.parse(text) as object)).toEqual([...PLAN_KEYS]);
  });

  it('opens with a comment header saying what the file is and not to edit it', () => {
    const head = serializePlan(safePlan()).split('\n').slice(0, 4);
    expect(head.every((l) => l.startsWith('#'))).toBe(true);
    expect(head.join('\n')).toContain('k8s-upgrade apply');
    expect(head.join('\n')).toContain('do not edit');
    expect(head.join('\n')).toContain('no credentials');
  });

  it('quotes values that YAML 1.1 readers would turn into booleans or timestamps', () => {
    const text = serializePlan(blockedPlan());
    expect(text).toContain('strictHostKeyChecking: "yes"');
    expect(text).toContain('createdAt: "2025-11-23T14:00:00.000Z"');
    expect(text).toContain('maxUnavailableSpec: "1"');
  });

  it('writes short node lists on one line and argv templates as lists, never as a shell string', () => {
    const text = serializePlan(safePlan());
    expect(text).toContain('nodes: [ cp-1, cp-2, cp-3 ]');
    expect(text).toMatch(
      /upgrade: \[ k8s-upgrade, sandbox, node, upgrade, --kubeconfig, \.sandbox\/kubeconfig, "\{node\}", "\{version\}" \]/,
    );
  });

  it('writes long node lists one per line', () => {
    const plan = safePlan();
    const many = Array.from({ length: 30 }, (_, i) => `worker-node-${i + 1}`);
    const text = serializePlan({
      ...plan,
      workers: { hops: [{ to: 'v1.32.0', reason: 'target', nodes: many }] },
      groups: [
        { selector: '', implicit: true, maxUnavailable: 30, maxUnavailableSpec: '100%', nodes: many, batches: [many] },
      ],
      summary: { ...plan.summary, nodesToUpgrade: 33 },
    });
    expect(text).toContain('    nodes:\n      - worker-node-1\n');
    expect(parsePlan(text).groups[0]?.nodes).toEqual(many);
  });

  it('names the source in error messages', () => {
    const err = planError(() => parsePlan('a: [1\nb: 2', { source: 'plans/x.yaml' }), 'PLAN_PARSE');
    expect(err.message).toMatch(/^plans\/x\.yaml is not valid YAML/);
  });
});

describe('content hash', () => {
  it('is sha256 over canonical JSON without the hash itself', () => {
    const plan = safePlan();
    expect(computeContentHash(plan)).toBe(
      computeContentHash({ ...plan, metadata: { ...plan.metadata, contentHash: 'sha256:whatever' } }),
    );
    expect(computeContentHash(plan)).not.toBe(computeContentHash({ ...plan, to: 'v1.32.1' }));
  });

  it('canonical JSON sorts keys recursively and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson({ b: 1, a: 2 })).toBe(canonicalJson({ a: 2, b: 1 }));
  });

  it('sealPlan makes a plan whose hash verifies', () => {
    const plan = sealPlan({ ...safePlan(), metadata: { ...safePlan().metadata, contentHash: '' } });
    expect(plan.metadata.contentHash).toBe(computeContentHash(plan));
  });

  it.each([
    {
      name: 'a drain timeout',
      from: 'timeoutSeconds: 600\n    deleteEmptyDirData',
      to: 'timeoutSeconds: 60\n    deleteEmptyDirData',
    },
    { name: 'the driver argv', from: '.sandbox/kubeconfig', to: '/tmp/other/kubeconfig' },
    { name: 'the target of a component', from: 'target: 3.5.16-0', to: 'target: 3.5.17-0' },
    { name: 'the creation time', from: '2025-11-23T14:00:00.000Z', to: '2025-11-24T14:00:00.000Z' },
    { name: 'a finding message', from: 'runs one replica', to: 'runs 1 replica' },
    {
      name: 'the batch order',
      from: '      - [ blue-2 ]\n      - [ blue-3 ]',
      to: '      - [ blue-3 ]\n      - [ blue-2 ]',
    },
  ])('refuses a plan whose $name was edited', ({ from, to }) => {
    const text = serializePlan(safePlan());
    expect(text).toContain(from);
    const err = planError(() => parsePlan(text.replace(from, to), { source: 'plans/p.yaml' }), 'PLAN_HASH_MISMATCH');
    expect(err.message).toContain('re-run `k8s-upgrade plan`');
    expect(err.problems[0]?.path).toBe('metadata.contentHash');
  });

  it('ignores comments and formatting: the hash covers content, not bytes', () => {
    const text = serializePlan(safePlan());
    const reformatted = `# reviewed by ops\n${YAML.stringify(YAML.parse(text), { indent: 4 })}`;
    expect(parsePlan(reformatted)).toEqual(parsePlan(text));
  });
});

describe('parse errors', () => {
  it.each([
    { name: 'broken YAML', text: 'apiVersion: k8s-upgrade/v1\ngroups: [a, b\nkind: x\n', want: /line \d+, column \d+/ },
    { name: 'duplicate keys', text: 'apiVersion: k8s-upgrade/v1\napiVersion: k8s-upgrade/v1\n', want: /unique/ },
    { name: 'several documents', text: 'a: 1\n---\nb: 2\n', want: /multiple documents/ },
    { name: 'an empty file', text: '# nothing\n', want: /empty/ },
  ])('reports $name as PLAN_PARSE', ({ text, want }) => {
    const err = planError(() => parsePlan(text), 'PLAN_PARSE');
    expect(err.message).toMatch(want);
  });

  it.each([
    { name: 'a list', doc: [1, 2], want: '(root): expected a mapping, got a list' },
    { name: 'a string', doc: 'hello', want: '(root): expected a mapping, got string "hello"' },
  ])('reports a document that is $name as PLAN_SCHEMA', ({ doc, want }) => {
    const err = planError(() => parseRaw(doc), 'PLAN_SCHEMA');
    expect(err.message).toContain(want);
  });
});

describe('apiVersion', () => {
  it('refuses a newer plan format with advice', () => {
    const err = planError(
      () => parseRaw(edited(safePlan(), { apiVersion: 'k8s-upgrade/v2', futureField: 1 })),
      'PLAN_API_VERSION',
    );
    expect(err.message).toContain('"k8s-upgrade/v2"');
    expect(err.message).toContain('k8s-upgrade/v1');
    expect(err.problems).toEqual([{ path: 'apiVersion', message: expect.stringContaining('unsupported') }]);
  });

  it('says when the file is not a k8s-upgrade plan at all', () => {
    const err = planError(() => parseRaw({ apiVersion: 'apps/v1', kind: 'Deployment' }), 'PLAN_API_VERSION');
    expect(err.message).toContain('not a k8s-upgrade plan');
  });

  it('reports a missing apiVersion as a schema problem', () => {
    const err = planError(() => parseRaw(edited(safePlan(), { apiVersion: undefined })), 'PLAN_SCHEMA');
    expect(err.problems).toContainEqual({ path: 'apiVersion', message: 'required' });
  });
});
