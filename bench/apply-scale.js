#!/usr/bin/env node
// Benchmark: `k8s-upgrade apply` on a large sandbox. For each scenario it starts a fresh `sandbox up --workload
// scale:N` (3 control planes + N−3 workers, ~20 pods per worker, PDBs on a third of the Deployments) in its own
// process, plans v1.31.4 → v1.32.0 with --max-unavailable 10%, then runs the built CLI's `apply --yes
// --log-format json` and records the makespan, per-node durations and the API requests of the apply (sandbox
// request counters, reset after the plan). The node driver is one curl per node POSTing the sandbox's admin
// upgrade endpoint — what ssh + kubeadm are to a real node — or, without curl, bench/lib/node-upgrade.mjs.
// Scenarios: fixed  — every node takes the same simulated time; makespan vs the lower bound
//                     (control-plane nodes in sequence + ceil(workers / window) worker node times).
//            rolling / batch — per-node times × uniform [1−J, 1+J] (--node-time-jitter J, same seed, so the same
//                     slow and fast nodes), rolling window vs fixed batches.
// Targets (issue): fixed makespan ≤ 1.05× the lower bound; rolling ≥ 1.3× faster than batch with varied node
// times; API requests per upgraded node ≤ 10 plus its evictions. Prints figures, asserts nothing.
// Usage: npm run bench:apply [-- --nodes 500] [--jitter 0.5] [--time-scale 1] [--scenarios fixed,rolling,batch]
//        [--upgrade-ms 5000] [--kubelet-ms 5000] [--cpu-prof DIR] [--keep DIR]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { request } from 'node:https';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { hashString, seededRandom } from '../dist/sandbox/clock.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const nodes = Number(arg('nodes', 500));
const jitter = Number(arg('jitter', 0.5));
const timeScale = Number(arg('time-scale', 1));
const scenarios = arg('scenarios', 'fixed,rolling,batch').split(',');
const profDir = arg('cpu-prof');
const keepDir = arg('keep');
// --eviction-retry-delay S: passed to apply (its hidden flag; default 5 s between retries of a PDB-refused eviction).
const retryDelay = arg('eviction-retry-delay');
const CONTROL_PLANES = 3;
const VERSION_TO = 'v1.32.0';
// Simulated milliseconds (before the time scale). The node time is dominated by the fixed upgrade time
// (package install + kubeadm, then the kubelet restart); pods start and stop quickly so drains are short.
const timings = {
  upgradeCommandMs: Number(arg('upgrade-ms', 5000)),
  kubeletRestartMs: Number(arg('kubelet-ms', 5000)),
  staticPodRestartMs: 500,
  podStartupMs: 500,
  podTerminationMs: 200,
};

const run = (args, nodeArgs = []) =>
  spawn(process.execPath, [...nodeArgs, join(root, 'bin/run.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
/** CPU seconds of a live process from /proc: its own (user + system) and that of its reaped children. */
const cpuOf = (pid) => {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return { self: (Number(f[11]) + Number(f[12])) / 100, children: (Number(f[13]) + Number(f[14])) / 100 };
  } catch {
    return undefined; // exited
  }
};
/** The live child processes of `pid` (apply's driver helper process, which starts the node drivers). */
const childrenOf = (pid) => {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((t) =>
      readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
};
/**
 * Samples a process's CPU every 250 ms; `last()` is the final reading before it exited (or stopped): its own,
 * and in `children` that of every process it started, directly or through a live helper (each child's own
 * CPU plus what it reaped), so the drivers count wherever they were started from.
 */
const cpuSampler = (pid) => {
  // Live children only: a reaped child's CPU is already in the parent's `children`.
  const read = () => {
    const me = cpuOf(pid);
    if (!me) return undefined;
    let live = 0;
    for (const c of childrenOf(pid)) {
      const k = cpuOf(c);
      if (k) live += k.self + k.children;
    }
    return { self: me.self, children: me.children + live };
  };
  let last = read() ?? { self: 0, children: 0 };
  const t = setInterval(() => (last = read() ?? last), 250);
  return { last: () => last, stop: () => clearInterval(t) };
};
const collect = (child) =>
  new Promise((resolve) => {
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => resolve({ code, out, err }));
  });

async function startSandbox(dir, nodeJitter) {
  const kubeconfig = join(dir, 'kubeconfig');
  const args = [
    'sandbox',
    'up',
    '--kubeconfig',
    kubeconfig,
    '--workload',
    `scale:${nodes}`,
    '--control-planes',
    String(CONTROL_PLANES),
    '--time-scale',
    String(timeScale),
    '--node-time-jitter',
    String(nodeJitter),
  ];
  for (const [k, v] of Object.entries(timings)) args.push('--timing', `${k}=${v}`);
  // With --cpu-prof the sandbox is profiled too (its file is the one whose name has the sandbox's pid).
  const proc = run(args, profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []);
  let out = '';
  await new Promise((resolve, reject) => {
    proc.stdout.on('data', (d) => {
      out += d;
      if (out.includes('sandbox ready')) resolve();
    });
    proc.stderr.on('data', (d) => (out += d));
    proc.on('exit', (c) => reject(new Error(`sandbox exited ${c}: ${out}`)));
  });
  const kc = parse(readFileSync(kubeconfig, 'utf8'));
  const url = new URL(kc.clusters[0].cluster.server);
  const ca = Buffer.from(kc.clusters[0].cluster['certificate-authority-data'], 'base64').toString();
  const call = (method, path) =>
    new Promise((resolve, reject) => {
      const r = request(
        {
          host: url.hostname,
          port: url.port,
          path,
          method,
          ca,
          headers: { Authorization: `Bearer ${kc.users[0].user.token}` },
        },
        (res) => {
          let s = '';
          res.on('data', (d) => (s += d));
          res.on('end', () => resolve(s));
        },
      );
      r.on('error', reject);
      r.end();
    });
  const stop = async () => {
    proc.kill('SIGTERM');
    await new Promise((r) => (proc.exitCode !== null ? r() : proc.on('exit', r)));
  };
  return {
    kubeconfig,
    stop,
    pid: proc.pid,
    resetStats: () => call('DELETE', '/sandbox/v1/stats'),
    /** /metrics once: apiserver_request_total (verb, resource and HTTP code: the admin stats have no code) and the watch events sent per kind. */
    metrics: async () => {
      const text = await call('GET', '/metrics');
      const requests = [];
      for (const m of text.matchAll(
        /^apiserver_request_total\{code="(\d+)",group="[^"]*",resource="([^"]+)",verb="([A-Z]+)",version="[^"]*"\} (\d+)$/gm,
      )) {
        requests.push({ code: Number(m[1]), resource: m[2], verb: m[3].toLowerCase(), count: Number(m[4]) });
      }
      // apiserver_watch_events_sizes_sum / _count: what the watch streams sent, per kind.
      const watchEvents = new Map();
      for (const m of text.matchAll(
        /^apiserver_watch_events_sizes_(sum|count)\{group="[^"]*",kind="([^"]+)",version="[^"]*"\} (\d+)$/gm,
      )) {
        const cur = watchEvents.get(m[2]) ?? { events: 0, bytes: 0 };
        if (m[1] === 'sum') cur.bytes += Number(m[3]);
        else cur.events += Number(m[3]);
        watchEvents.set(m[2], cur);
      }
      return { requests, watchEvents };
    },
  };
}

/**
 * The node driver's argv template. With curl on the PATH: one curl per node POSTing the sandbox's admin
 * upgrade endpoint (a few ms of CPU, like the ssh client of a real driver; the bearer token sits in a 0600
 * header file, so the plan holds only paths). Otherwise bench/lib/node-upgrade.mjs, a Node process per node
 * (~0.3 s of CPU each: on two cores that alone is a visible load at 500 nodes).
 */
function driverArgv(dir, kubeconfig) {
  const curl = spawnSync('curl', ['--version'], { stdio: 'ignore' }).status === 0;
  driverKind = curl ? 'curl' : 'node';
  if (!curl) return [process.execPath, join(root, 'bench/lib/node-upgrade.mjs'), kubeconfig, '{node}', '{version}'];
  const kc = parse(readFileSync(kubeconfig, 'utf8'));
  const ca = join(dir, 'sandbox-ca.pem');
  const header = join(dir, 'sandbox-auth.header');
  writeFileSync(ca, Buffer.from(kc.clusters[0].cluster['certificate-authority-data'], 'base64'), { mode: 0o600 });
  writeFileSync(header, `Authorization: Bearer ${kc.users[0].user.token}\n`, { mode: 0o600 });
  const server = kc.clusters[0].cluster.server.replace(/\/+$/, '');
  return [
    'curl',
    '-sS',
    '--fail-with-body',
    '--cacert',
    ca,
    '-H',
    `@${header}`,
    '-H',
    'Content-Type: application/json',
    '--data',
    '{"version":"{version}"}',
    `${server}/sandbox/v1/machines/{node}/upgrade`,
  ];
}
let driverKind = 'node';

async function scenario(name, strategy, nodeJitter) {
  const dir = mkdtempSync(join(tmpdir(), `k8s-upgrade-bench-apply-${name}-`));
  const sandbox = await startSandbox(dir, nodeJitter);
  try {
    await new Promise((r) => setTimeout(r, 3000)); // let the sandbox settle (JSON caches, first heartbeats)
    const planFile = join(dir, 'plan.yaml');
    const exec = JSON.stringify(driverArgv(dir, sandbox.kubeconfig));
    const plan = await collect(
      run([
        'plan',
        '--kubeconfig',
        sandbox.kubeconfig,
        '--to',
        VERSION_TO,
        '--max-unavailable',
        '10%',
        '--strategy',
        strategy,
        '--delete-emptydir-data',
        '--force',
        '--exec-command',
        exec,
        '--out',
        planFile,
        '-o',
        'json',
      ]),
    );
    if (plan.code !== 0) throw new Error(`plan exited ${plan.code}: ${plan.err.trim()} ${plan.out.slice(0, 2000)}`);
    const doc = JSON.parse(plan.out);
    await sandbox.resetStats();
    // A run that stops resumably (paused 4, or a drain that failed on a transient error, 2/1) is resumed with the
    // same command, as a user would; every stop is reported and the makespan is the sum of the attempts.
    const prof = profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [];
    const attempts = [];
    let summary;
    let events = [];
    const cpu = { sandbox: 0, apply: 0, drivers: 0 };
    for (let attempt = 1; attempt <= 4; attempt++) {
      const t0 = performance.now();
      const sandboxCpu0 = cpuOf(sandbox.pid)?.self ?? 0;
      const child = run(
        [
          'apply',
          planFile,
          '--kubeconfig',
          sandbox.kubeconfig,
          '--yes',
          '--log-format',
          'json',
          '--skip-etcd-snapshot',
          ...(retryDelay ? ['--eviction-retry-delay', retryDelay] : []),
        ],
        prof,
      );
      const sampler = cpuSampler(child.pid);
      const apply = await collect(child);
      sampler.stop();
      cpu.apply += sampler.last().self;
      cpu.drivers += sampler.last().children;
      cpu.sandbox += (cpuOf(sandbox.pid)?.self ?? 0) - sandboxCpu0;
      const wallMs = performance.now() - t0;
      const evs = apply.out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l));
      if (keepDir) {
        mkdirSync(keepDir, { recursive: true });
        writeFileSync(join(keepDir, `apply-${name}-${attempt}.jsonl`), apply.out);
        writeFileSync(join(keepDir, `plan-${name}.json`), plan.out);
      }
      summary = evs.find((e) => e.type === 'run-finished')?.summary;
      events.push(...evs);
      attempts.push({
        code: apply.code,
        wallMs,
        durationMs: summary?.durationMs ?? wallMs,
        stoppedBy: summary?.stoppedBy?.message,
        stderr: apply.err
          .trim()
          .split('\n')
          .filter((l) => !/MaxListeners|trace-warnings/.test(l))
          .join(' ')
          .slice(0, 300),
      });
      if (apply.code === 0 && summary) break;
      if (!summary || ![1, 2, 4].includes(apply.code)) break;
    }
    const load = loadavg()[0];
    const { requests, watchEvents } = await sandbox.metrics();
    const last = attempts[attempts.length - 1];
    if (last.code !== 0 || !summary)
      throw new Error(`apply exited ${last.code} after ${attempts.length} attempt(s): ${JSON.stringify(attempts)}`);
    // Merge the attempts: node summaries of the last attempt (done nodes of earlier attempts are 'skipped' there).
    const finished = new Map();
    for (const e of events) if (e.type === 'node-finished' && e.status === 'done') finished.set(e.node, e);
    summary = {
      ...summary,
      durationMs: attempts.reduce((t, a) => t + a.durationMs, 0),
      nodes: summary.nodes.map((n) =>
        finished.has(n.node)
          ? {
              ...n,
              status: 'done',
              durationMs: finished.get(n.node).durationMs,
              evictions: finished.get(n.node).evictions,
            }
          : n,
      ),
      evictions: [...finished.values()].reduce((t, e) => t + e.evictions, 0),
      blockedMs: [...finished.values()].reduce((t, e) => t + e.blockedMs, 0),
    };
    const wallMs = attempts.reduce((t, a) => t + a.wallMs, 0);
    return { name, strategy, nodeJitter, doc, summary, events, wallMs, requests, watchEvents, load, attempts, cpu };
  } finally {
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------- analysis ----------
const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
const pct = (xs, p) => {
  const a = [...xs].sort((x, y) => x - y);
  return a.length ? a[Math.min(a.length - 1, Math.floor((p / 100) * a.length))] : NaN;
};
const stat = (xs) =>
  xs.length
    ? `min ${s(Math.min(...xs))} · median ${s(pct(xs, 50))} · p95 ${s(pct(xs, 95))} · max ${s(Math.max(...xs))}`
    : '—';

const SEED = 1; // sandbox up's default --seed
/** The node's upgrade-time multiplier, computed as the sandbox does (src/sandbox/cluster.ts nodeTimeFactor). */
function factor(node, jitterUsed) {
  return jitterUsed ? 1 - jitterUsed + 2 * jitterUsed * seededRandom(hashString(`${SEED}/${node}`))() : 1;
}

/**
 * Real milliseconds of the fixed simulated work on a node: drain (its pods terminate), the node side (upgrade
 * command, and on a control-plane node the four static pods one after another), the kubelet restart.
 */
function nodeTimeMs(role, evictions, node, jitterUsed = 0) {
  const cp = role === 'control-plane' ? 4 * timings.staticPodRestartMs : 0; // etcd, apiserver, controller-manager, scheduler
  const f = factor(node, jitterUsed);
  return (
    ((timings.upgradeCommandMs + timings.kubeletRestartMs) * f + cp + (evictions > 0 ? timings.podTerminationMs : 0)) *
    timeScale
  );
}

/** Real milliseconds each worker spent in each step (from one node-step event to the next). */
function stepDurations(events, roles) {
  const at = new Map();
  const out = {};
  for (const e of events) {
    if (
      (e.type !== 'node-step' && e.type !== 'node-finished' && e.type !== 'node-failed') ||
      roles.get(e.node) === 'control-plane'
    )
      continue;
    const t = Date.parse(e.at);
    const prev = at.get(e.node);
    if (prev) (out[prev.step] ??= []).push(t - prev.t);
    if (e.type === 'node-step') at.set(e.node, { step: e.step, t });
    else at.delete(e.node);
  }
  return out;
}

function phaseSpans(events) {
  const spans = {};
  for (const e of events) {
    if (e.type === 'phase-started') spans[e.phase] = { kind: e.kind, start: Date.parse(e.at) };
    if (e.type === 'phase-finished' && spans[e.phase]) spans[e.phase].ms = Date.parse(e.at) - spans[e.phase].start;
  }
  return spans;
}

function lowerBound(r) {
  const roles = new Map();
  for (const e of r.events) if (e.type === 'node-started') roles.set(e.node, e.role);
  const done = r.summary.nodes.filter((n) => n.status === 'done');
  const cps = done.filter((n) => roles.get(n.node) === 'control-plane');
  const workers = done.filter((n) => roles.get(n.node) !== 'control-plane');
  const cpMs = cps.reduce((t, n) => t + nodeTimeMs('control-plane', n.evictions, n.node, r.nodeJitter), 0);
  const window = Math.max(...r.doc.groups.map((g) => g.maxUnavailable));
  const times = workers.map((n) => nodeTimeMs('worker', n.evictions, n.node, r.nodeJitter));
  const wMs = Math.max(0, ...times);
  // Fixed node time: ceil(workers / window) rounds of one node time. Varied times: no schedule beats the total
  // work spread over the window, nor the slowest node.
  const ms = r.nodeJitter
    ? cpMs + Math.max(wMs, times.reduce((t, x) => t + x, 0) / window)
    : cpMs + Math.ceil(workers.length / window) * wMs;
  return { cps, workers, window, cpMs, wMs, ms };
}

function classify(req) {
  // Evictions: every POST pods/eviction (201 evicted, 429 refused by a PDB and retried).
  if (req.resource === 'pods/eviction') return 'evictions';
  // The drain of each node lists its pods and watches them until gone (a field selector per node): per node.
  if (req.resource === 'pods' && (req.verb === 'list' || req.verb === 'watch')) return 'per-node';
  if (req.verb === 'list' || req.verb === 'watch') return 'run-fixed: lists and watches (caches)';
  if (req.resource === 'leases') return 'run-fixed: run lock (Lease)';
  if (req.resource === 'configmaps') return 'run-fixed: state ConfigMap mirror';
  if (req.resource === 'selfsubjectaccessreviews') return 'run-fixed: permission checks';
  return 'per-node';
}

function requestReport(r, upgraded) {
  const total = r.requests.reduce((t, x) => t + x.count, 0);
  const groups = new Map();
  for (const x of r.requests) {
    const c = classify(x);
    const g = groups.get(c) ?? { count: 0, rows: new Map() };
    g.count += x.count;
    const key = `${x.verb} ${x.resource}${x.code >= 300 ? ` (${x.code})` : ''}`;
    g.rows.set(key, (g.rows.get(key) ?? 0) + x.count);
    groups.set(c, g);
  }
  const evictions = groups.get('evictions')?.count ?? 0;
  const perNode = groups.get('per-node')?.count ?? 0;
  const fixed = total - evictions - perNode;
  return {
    total,
    groups,
    evictions,
    fixed,
    perNode,
    perUpgraded: perNode / upgraded,
    allButEvictionsPerUpgraded: (total - evictions) / upgraded,
  };
}

function report(r) {
  const lb = lowerBound(r);
  const upgraded = lb.cps.length + lb.workers.length;
  const spans = phaseSpans(r.events);
  const roles = new Map(r.events.filter((e) => e.type === 'node-started').map((e) => [e.node, e.role]));
  const cpDur = r.summary.nodes
    .filter((n) => roles.get(n.node) === 'control-plane' && n.status === 'done')
    .map((n) => n.durationMs);
  const wDur = r.summary.nodes
    .filter((n) => roles.get(n.node) === 'worker' && n.status === 'done')
    .map((n) => n.durationMs);
  const over = r.summary.nodes
    .filter((n) => n.status === 'done')
    .map((n) => n.durationMs - nodeTimeMs(roles.get(n.node), n.evictions, n.node, r.nodeJitter));
  const rq = requestReport(r, upgraded);
  console.log(
    `\n== ${r.name}: strategy ${r.strategy}, node-time jitter ${r.nodeJitter}, window ${lb.window} (maxUnavailable 10% of ${lb.workers.length} workers), outcome ${r.summary.outcome}`,
  );
  console.log(
    `  makespan (run-finished)         ${s(r.summary.durationMs)}   (apply process wall ${s(r.wallMs)}; 1-min load average at the end ${r.load.toFixed(1)} on ${cpus().length} cores)`,
  );
  if (r.attempts.length > 1)
    for (const [i, a] of r.attempts.entries())
      console.log(
        `    attempt ${i + 1}: exit ${a.code}, ${s(a.durationMs)}${a.stoppedBy ? `, stopped by: ${a.stoppedBy.split('\n')[0]}` : ''}`,
      );
  for (const [id, p] of Object.entries(spans))
    console.log(`    phase ${id.padEnd(26)} ${p.kind.padEnd(14)} ${s(p.ms ?? 0)}`);
  if (r.nodeJitter)
    console.log(
      `  lower bound (varied times)      ${s(lb.ms)} = control plane ${s(lb.cpMs)} + max(slowest worker, Σ worker times / ${lb.window}); makespan / bound ${(r.summary.durationMs / lb.ms).toFixed(3)}`,
    );
  else {
    console.log(
      `  lower bound                     ${s(lb.ms)} = ${lb.cps.length} control-plane × ${s(lb.cpMs / Math.max(1, lb.cps.length))} + ceil(${lb.workers.length}/${lb.window}) = ${Math.ceil(lb.workers.length / lb.window)} × ${s(lb.wMs)}`,
    );
    console.log(`  makespan / lower bound          ${(r.summary.durationMs / lb.ms).toFixed(3)}   (target ≤ 1.05)`);
  }
  console.log(`  node durations, control plane   ${stat(cpDur)}`);
  console.log(`  node durations, workers         ${stat(wDur)}`);
  console.log(`  per-node overhead over its simulated time   ${stat(over)}`);
  const steps = stepDurations(r.events, roles);
  console.log(
    `  worker steps (median · p90 · sum): ${Object.entries(steps)
      .map(([k, xs]) => `${k} ${s(pct(xs, 50))} · ${s(pct(xs, 90))} · ${s(xs.reduce((t, x) => t + x, 0))}`)
      .join('; ')}`,
  );
  const cores = cpus().length;
  console.log(
    `  CPU during apply: sandbox ${r.cpu.sandbox.toFixed(0)} s, apply ${r.cpu.apply.toFixed(0)} s, node-driver processes (${driverKind}, and apply's helper process that starts them) ${r.cpu.drivers.toFixed(0)} s — ${((100 * (r.cpu.sandbox + r.cpu.apply + r.cpu.drivers)) / ((cores * r.wallMs) / 1000)).toFixed(0)}% of ${cores} cores over the apply's wall time`,
  );
  const mb = (b) => `${(b / 1e6).toFixed(1)} MB`;
  const watched = [...r.watchEvents].sort((a, b) => b[1].bytes - a[1].bytes);
  console.log(
    `  watch events sent during apply  ${watched.map(([k, v]) => `${k} ${v.events} (${mb(v.bytes)})`).join(', ')}`,
  );
  console.log(`  evictions ${r.summary.evictions}, time blocked by PDBs ${s(r.summary.blockedMs)} (summed over nodes)`);
  console.log(`  API requests during apply       ${rq.total} total`);
  for (const [c, g] of [...rq.groups].sort())
    console.log(
      `    ${c.padEnd(36)} ${String(g.count).padStart(6)}   ${[...g.rows].map(([k, n]) => `${k} ${n}`).join(', ')}`,
    );
  console.log(
    `  per upgraded node (${upgraded}): ${rq.perUpgraded.toFixed(2)} per-node requests + ${(rq.evictions / upgraded).toFixed(2)} eviction requests; all but evictions, run-fixed costs included: ${rq.allButEvictionsPerUpgraded.toFixed(2)}   (target ≤ 10 plus evictions)`,
  );
  return { lb, rq, upgraded };
}

console.log(
  `apply benchmark: ${nodes} nodes (${CONTROL_PLANES} control-plane), node ${process.version}, ${cpus().length} cores, time scale ${timeScale}, timings ${JSON.stringify(timings)}${retryDelay ? `, eviction retry delay ${retryDelay} s` : ''}`,
);
const results = {};
for (const name of scenarios) {
  const cfg = { fixed: ['rolling', 0], rolling: ['rolling', jitter], batch: ['batch', jitter] }[name];
  if (!cfg) throw new Error(`unknown scenario ${name} (fixed, rolling, batch)`);
  const t = performance.now();
  const r = await scenario(name, ...cfg);
  results[name] = { r, ...report(r) };
  console.log(`  (scenario took ${s(performance.now() - t)} including sandbox start and plan)`);
}

console.log(`\n== summary (${nodes} nodes, ${nodes - CONTROL_PLANES} workers, maxUnavailable 10%)`);
const rows = [
  ['scenario', 'strategy', 'jitter', 'makespan', 'lower bound', 'ratio', 'req/node (+evictions)', 'evictions'],
];
for (const [name, x] of Object.entries(results)) {
  rows.push([
    name,
    x.r.strategy,
    String(x.r.nodeJitter),
    s(x.r.summary.durationMs),
    s(x.lb.ms),
    (x.r.summary.durationMs / x.lb.ms).toFixed(3),
    `${x.rq.allButEvictionsPerUpgraded.toFixed(2)} (+${(x.rq.evictions / x.upgraded).toFixed(2)})`,
    String(x.r.summary.evictions),
  ]);
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) console.log('  ' + r.map((c, i) => c.padEnd(widths[i])).join('  '));
if (results.rolling && results.batch) {
  console.log(
    `  rolling vs batch with jitter ${jitter}: ${(results.batch.r.summary.durationMs / results.rolling.r.summary.durationMs).toFixed(2)}× faster   (target ≥ 1.3×)`,
  );
}
if (results.fixed)
  console.log(
    `  fixed node time: makespan / lower bound ${(results.fixed.r.summary.durationMs / results.fixed.lb.ms).toFixed(3)}   (target ≤ 1.05)`,
  );
