#!/usr/bin/env node
// Benchmark: `k8s-upgrade plan` on a large cluster. Starts `sandbox up --workload scale:N` (default 5,000 nodes,
// about 100,000 pods) as a separate process, then runs the built CLI's `plan` against it and reports its wall
// time, its peak RSS (from /proc of the plan process) and the API requests it made (from the sandbox's
// request counters), next to the number of list pages — requests must grow with pages, not with nodes.
// Targets (issue 3): <= 5 s wall, <= 500 MB RSS.
// Usage: npm run bench:plan [-- --nodes 5000] [-- --cpu-prof DIR] [-- --sandbox-cpu-prof DIR] [-- --node-arg FLAG]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const i = process.argv.indexOf('--nodes');
const nodes = i > 0 ? Number(process.argv[i + 1]) : 5000;
// --cpu-prof DIR: write a V8 CPU profile of the plan process into DIR (open it in Chrome DevTools).
const p = process.argv.indexOf('--cpu-prof');
const profDir = p > 0 ? process.argv[p + 1] : undefined;
// --sandbox-cpu-prof DIR: the same for the sandbox process (written when it stops, after the plan).
const sp = process.argv.indexOf('--sandbox-cpu-prof');
const sandboxProfDir = sp > 0 ? process.argv[sp + 1] : undefined;
// --node-arg ARG (repeatable): a V8/Node flag for the plan process only, e.g. --node-arg --max-semi-space-size=32.
const nodeArgs = process.argv.flatMap((a, k) => (a === '--node-arg' ? [process.argv[k + 1]] : []));
const dir = mkdtempSync(join(tmpdir(), 'k8s-upgrade-bench-plan-'));
const kubeconfig = join(dir, 'kubeconfig');
const run = (args, flags = []) =>
  spawn(process.execPath, [...flags, join(root, 'bin/run.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });

const sandbox = run(
  ['sandbox', 'up', '--kubeconfig', kubeconfig, '--workload', `scale:${nodes}`],
  sandboxProfDir ? ['--cpu-prof', `--cpu-prof-dir=${sandboxProfDir}`] : [],
);
let out = '';
await new Promise((resolve, reject) => {
  sandbox.stdout.on('data', (d) => {
    out += d;
    if (out.includes('sandbox ready')) resolve();
  });
  sandbox.on('exit', (c) => reject(new Error(`sandbox exited ${c}: ${out}`)));
});
async function stats() {
  const { request } = await import('node:https');
  const { parse } = await import('yaml');
  const kc = parse(readFileSync(kubeconfig, 'utf8'));
  const url = new URL(kc.clusters[0].cluster.server);
  const ca = Buffer.from(kc.clusters[0].cluster['certificate-authority-data'], 'base64').toString();
  const call = (method) =>
    new Promise((resolve, reject) => {
      const r = request(
        {
          host: url.hostname,
          port: url.port,
          path: '/sandbox/v1/stats',
          method,
          ca,
          headers: { Authorization: `Bearer ${kc.users[0].user.token}` },
        },
        (res) => {
          let s = '';
          res.on('data', (d) => (s += d));
          res.on('end', () => resolve(JSON.parse(s)));
        },
      );
      r.on('error', reject);
      r.end();
    });
  return { reset: () => call('DELETE'), get: () => call('GET') };
}
// Let the sandbox finish its background cache warm-up so it does not compete for the two cores: wait until
// it has used under 5 % of a core for a whole second (at most 60 s).
const cpuTicks = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(f[11]) + Number(f[12]);
};
for (let waited = 0, last = cpuTicks(sandbox.pid); waited < 60; waited++) {
  await new Promise((r) => setTimeout(r, 1000));
  const now = cpuTicks(sandbox.pid);
  if (now - last < 5) break; // clock ticks are 1/100 s
  last = now;
}
const s = await stats();
await s.reset();

const t0 = performance.now();
const plan = run(
  [
    'plan',
    '--kubeconfig',
    kubeconfig,
    '--to',
    'v1.32.0',
    '--workers',
    'pool=blue',
    '--max-unavailable',
    '10%',
    '--delete-emptydir-data',
    '--force',
    '--exec-command',
    '["k8s-upgrade","sandbox","node","upgrade","{node}","{version}"]',
    '--out',
    join(dir, 'plan.yaml'),
    '-o',
    'json',
  ],
  [...nodeArgs, ...(profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [])],
);
let peak = 0;
let cpu = 0;
const sampler = setInterval(() => {
  try {
    const st = readFileSync(`/proc/${plan.pid}/status`, 'utf8');
    peak = Math.max(peak, Number(/VmHWM:\s+(\d+)/.exec(st)[1]) / 1024);
    // utime + stime (clock ticks of 10 ms), fields 14 and 15 of /proc/PID/stat (after the parenthesised name).
    const f = readFileSync(`/proc/${plan.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    cpu = (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    /* exited */
  }
}, 20);
let json = '';
let err = '';
plan.stdout.on('data', (d) => (json += d));
plan.stderr.on('data', (d) => (err += d));
const code = await new Promise((r) => plan.on('exit', r));
clearInterval(sampler);
const wall = (performance.now() - t0) / 1000;
const { requests } = await s.get();
sandbox.kill('SIGTERM');
await new Promise((r) => sandbox.on('exit', r));
rmSync(dir, { recursive: true, force: true });

const doc = JSON.parse(json || '{}');
const total = requests.reduce((n, r) => n + r.count, 0);
console.log(
  `plan benchmark: ${nodes} nodes (node ${process.version}); plan exit code ${code}${err ? `, stderr: ${err.trim().slice(0, 200)}` : ''}`,
);
console.log(`  wall time (process start → exit)  ${wall.toFixed(2)} s   (target <= 5 s)`);
console.log(`  peak RSS of the plan process      ${peak.toFixed(0)} MB   (target <= 500 MB)`);
console.log(`  CPU time of the plan process      ${cpu.toFixed(2)} s   (user + system, last sample before exit)`);
console.log(
  `  API requests                      ${total}: ${requests.map((r) => `${r.verb} ${r.resource} ${r.count}`).join(', ')}`,
);
console.log(
  `  findings                          ${(doc.findings ?? []).length} (${doc.summary?.blockers ?? '?'} blockers); groups ${(doc.groups ?? []).length}`,
);
