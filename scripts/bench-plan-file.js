#!/usr/bin/env node
// Benchmark: reading and validating a big plan file (issue 12: the schema must not make a 5,000-node plan
// noticeably slower to read). Builds a plan with N workers (default 5,000, in 3 groups, 10 findings) from the
// committed exec-driver example through the built `dist/plan/index.js`, then times `validatePlanDocument`
// (the schema and the consistency checks) and `parsePlan` (YAML, credential scan, schema, hash) over several
// rounds and prints the medians (wall and CPU time) and the best wall time of each. Run after `npm run build`:
//   node scripts/bench-plan-file.js [--nodes 5000] [--rounds 15]
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const nodes = arg('--nodes', 5000);
const rounds = arg('--rounds', 15);

const planModule = await import(join(root, 'dist/plan/index.js'));
const { parsePlan, serializePlan, validatePlanDocument, computePlanSummary } = planModule;

/** The exec-driver example with `count` workers in three groups, batches of 10, and a few more findings. */
const bigPlan = (count) => {
  const base = parsePlan(readFileSync(join(root, 'plans/examples/exec-driver.yaml'), 'utf8'));
  const pools = ['blue', 'green', 'red'];
  const groups = pools.map((pool, p) => {
    const names = [];
    for (let i = p; i < count; i += pools.length) names.push(`${pool}-${String(i).padStart(5, '0')}`);
    names.sort();
    const batches = [];
    for (let i = 0; i < names.length; i += 10) batches.push(names.slice(i, i + 10));
    const selector = `pool=${pool}`;
    return { selector, implicit: false, maxUnavailable: 10, maxUnavailableSpec: '10', nodes: names, batches };
  });
  const workers = groups.flatMap((g) => g.nodes).sort();
  const findings = [
    ...base.findings,
    ...Array.from({ length: 8 }, (_, i) => ({
      id: `synthetic-check-${i}`,
      severity: 'info',
      message: `Synthetic finding ${i}`,
      objects: workers.slice(i * 5, i * 5 + 5).map((name) => ({ kind: 'Node', name })),
      remediation: 'None.',
      waived: false,
    })),
  ];
  const plan = { ...base, workers: { hops: [{ to: base.to, reason: 'target', nodes: workers }] }, groups, findings };
  return { ...plan, summary: computePlanSummary(plan) };
};

/** Wall and CPU milliseconds of `fn` over the rounds (CPU time is steadier on a shared machine). */
const time = (fn) => {
  const wall = [];
  const cpu = [];
  for (let r = 0; r < rounds; r++) {
    const t = process.hrtime.bigint();
    const c = process.cpuUsage();
    fn();
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1000);
    wall.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const median = (ms) => [...ms].sort((a, b) => a - b)[Math.floor(ms.length / 2)];
  return { wall: median(wall), cpu: median(cpu), best: Math.min(...wall) };
};

const text = serializePlan(bigPlan(nodes));
const doc = YAML.parse(text);
const checked = validatePlanDocument(doc);
if (!checked.plan) throw new Error(`the generated plan is invalid: ${JSON.stringify(checked.problems.slice(0, 3))}`);
if (parsePlan(text).groups.reduce((n, g) => n + g.nodes.length, 0) !== nodes) throw new Error('node count differs');

const validate = time(() => validatePlanDocument(doc));
const parse = time(() => parsePlan(text));
const f = (t) => `median ${t.wall.toFixed(1)} ms wall, ${t.cpu.toFixed(1)} ms CPU; best ${t.best.toFixed(1)} ms wall`;
console.log(`plan with ${nodes} workers, ${(text.length / 1024).toFixed(0)} KiB of YAML, ${rounds} rounds`);
console.log(`  validatePlanDocument: ${f(validate)}`);
console.log(`  parsePlan:            ${f(parse)}`);
