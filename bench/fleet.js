#!/usr/bin/env node
// Benchmark: `k8s-upgrade fleet plan` and `fleet apply` over a sandbox fleet (`sandbox up --clusters N`, one
// process serving every cluster on its own port, sizes and versions drawn from the seed, about 4 pods per worker and
// every Deployment with 2+ replicas and a PDB).
// Part 1, plan, at LINE's shape (570 clusters / 8,700 nodes): the built CLI's `fleet plan` of the fleet file the
//   sandbox wrote, to the next minor; its wall time, its peak RSS and CPU (getrusage of the plan process), the
//   sandbox's CPU and RSS, the API requests per cluster, and every blocker by id if any cluster is not plannable.
//   Targets (issue 13): <= 60 s, <= 2 GB.
// Part 2, apply, on a smaller fleet of the same distribution (default 40 clusters / 600 nodes; the sandbox's clock
//   accelerated, short node times, a light exec driver: bench/lib/node-upgrade.mjs per node): the real `fleet
//   apply --log-format json` of its fleet plan. Prints the makespan against its lower bound, defined as
//     LB = Σ over stages, in order, of ⌈clusters / maxConcurrency⌉ × (the stage's slowest cluster's own makespan)
//          + the stage's soak,
//   where a cluster's own makespan is the time from its fleet-cluster-started to its fleet-cluster-finished event
//   in this run; also a tighter bound per stage, max(slowest, Σ makespans / maxConcurrency), which no schedule of
//   these clusters under that cap can beat. API requests per upgraded node (sandbox counters, summed over every
//   cluster; evictions apart) and the availability monitor's PDB violations over a sample of clusters (the
//   canaries and the biggest ones). Targets: makespan <= 1.15 × LB, 0 PDB violations.
// Prints figures, asserts nothing.
// Usage: npm run bench:fleet [-- --clusters 570 --nodes 8700] [--apply-clusters 40 --apply-nodes 600]
//        [--time-scale 0.1] [--sample 8] [--parts plan,apply] [--concurrency 32] [--cpu-prof DIR] [--keep DIR]
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const clusters = Number(arg('clusters', 570));
const nodes = Number(arg('nodes', 8700));
const applyClusters = Number(arg('apply-clusters', 40));
const applyNodes = Number(arg('apply-nodes', applyClusters * 15));
const timeScale = Number(arg('time-scale', 0.1));
const sampleSize = Number(arg('sample', 8));
const parts = arg('parts', 'plan,apply').split(',');
// fleet plan's --concurrency (default 32, as fleet plan's own default).
const concurrency = arg('concurrency', '32');
const profDir = arg('cpu-prof');
const keepDir = arg('keep');
// Simulated milliseconds (before the time scale): node time dominated by the package install and kubelet restart.
const timings = {
  upgradeCommandMs: Number(arg('upgrade-ms', 5000)),
  kubeletRestartMs: Number(arg('kubelet-ms', 5000)),
  staticPodRestartMs: 500,
  podStartupMs: 500,
  podTerminationMs: 200,
};

const dir = keepDir ?? mkdtempSync(join(tmpdir(), 'k8s-upgrade-bench-fleet-'));
mkdirSync(dir, { recursive: true });
const cli = join(root, 'bin/run.js');

/** CPU seconds (user + system) of a live process, from /proc. */
const cpuOf = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};
/** VmRSS and VmHWM (peak) of a live process, MB. */
const memOf = (pid) => {
  const st = readFileSync(`/proc/${pid}/status`, 'utf8');
  return { rss: Number(/VmRSS:\s+(\d+)/.exec(st)[1]) / 1024, peak: Number(/VmHWM:\s+(\d+)/.exec(st)[1]) / 1024 };
};
const fmt = (x, d = 1) => x.toFixed(d);

/** `sandbox up --clusters N` in its own process; resolves once it printed that it is ready. */
async function startFleet(name, n, total, extra = []) {
  const kubeconfig = join(dir, `${name}.kubeconfig`);
  const fleetFile = join(dir, `${name}.fleet.yaml`);
  const t0 = performance.now();
  const proc = spawn(
    process.execPath,
    [
      cli,
      'sandbox',
      'up',
      '--clusters',
      String(n),
      '--nodes',
      String(total),
      '--kubeconfig',
      kubeconfig,
      '--fleet-file',
      fleetFile,
      ...extra,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  proc.stderr.on('data', (d) => (err += d));
  await new Promise((resolve, reject) => {
    proc.stdout.on('data', (d) => {
      out += d;
      if (/--to (v\S+)/.test(out)) resolve();
    });
    proc.on('exit', (c) => reject(new Error(`sandbox up exited ${c}: ${out}${err}`)));
  });
  const readyS = (performance.now() - t0) / 1000;
  const target = /--to (v\S+)/.exec(out)[1];
  const versions = /versions ([^(]+) \(/.exec(out)?.[1]?.trim();
  return {
    proc,
    kubeconfig,
    fleetFile,
    target,
    versions,
    readyS,
    async stop() {
      if (proc.exitCode !== null) return;
      proc.kill('SIGTERM');
      await new Promise((r) => proc.on('exit', r));
    },
  };
}

/** The sandbox admin API of every context of a fleet kubeconfig: `call(context, method, path)`. */
function adminOf(kubeconfig) {
  const kc = parse(readFileSync(kubeconfig, 'utf8'));
  const byName = (list, n) => list.find((x) => x.name === n);
  const contexts = kc.contexts.filter((c) => !c.name.endsWith('-readonly')).map((c) => c.name);
  const call = (context, method, path) => {
    const ctx = byName(kc.contexts, context).context;
    const cluster = byName(kc.clusters, ctx.cluster).cluster;
    const user = byName(kc.users, ctx.user).user;
    const url = new URL(cluster.server);
    return new Promise((resolve, reject) => {
      const r = request(
        {
          host: url.hostname,
          port: url.port,
          path,
          method,
          ca: Buffer.from(cluster['certificate-authority-data'], 'base64').toString(),
          headers: { Authorization: `Bearer ${user.token}` },
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
  };
  /** Every context, at most 16 calls at once. */
  const all = async (method, path) => {
    const out = new Map();
    let next = 0;
    const lane = async () => {
      while (next < contexts.length) {
        const c = contexts[next++];
        out.set(c, await call(c, method, path));
      }
    };
    await Promise.all(Array.from({ length: 16 }, lane));
    return out;
  };
  return { contexts, call, all };
}

/** Runs the built CLI with getrusage on exit; streams stdout lines to `onLine` (with the time they arrived). */
async function runCli(args, { onLine, prof } = {}) {
  const rusageFile = join(dir, `rusage-${process.hrtime.bigint()}.json`);
  const t0 = performance.now();
  const proc = spawn(
    process.execPath,
    [
      '--import',
      join(root, 'bench/lib/rusage.mjs'),
      ...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : []),
      cli,
      ...args,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, BENCH_RUSAGE_FILE: rusageFile, NO_COLOR: '1' } },
  );
  let stdout = '';
  let stderr = '';
  let partial = '';
  proc.stdout.on('data', (d) => {
    stdout += d;
    if (!onLine) return;
    partial += d;
    const lines = partial.split('\n');
    partial = lines.pop();
    for (const l of lines) onLine(l, performance.now());
  });
  proc.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise((r) => proc.on('exit', r));
  const wallS = (performance.now() - t0) / 1000;
  let rusage;
  try {
    rusage = JSON.parse(readFileSync(rusageFile, 'utf8'));
  } catch {
    rusage = undefined;
  }
  return { code, stdout, stderr, wallS, rusage, pid: proc.pid };
}

/** Blockers by id over a fleet plan document (`fleet plan -o json`): id → clusters. */
function blockersOf(doc) {
  const byId = new Map();
  for (const s of doc.stages ?? [])
    for (const c of s.clusters ?? []) for (const b of c.blockers ?? []) byId.set(b, [...(byId.get(b) ?? []), c.name]);
  for (const s of doc.skipped ?? []) byId.set(`skipped:${s.kind ?? s.reason}`, [...(byId.get(s.kind) ?? []), s.name]);
  return byId;
}

console.log(
  `fleet benchmark (node ${process.version}, ${cpus().length} cores, load average ${loadavg()
    .map((l) => fmt(l, 2))
    .join(' ')})`,
);

if (parts.includes('plan')) {
  const fleet = await startFleet('plan', clusters, nodes);
  const admin = adminOf(fleet.kubeconfig);
  const started = memOf(fleet.proc.pid);
  console.log(
    `\nplan: sandbox fleet of ${clusters} clusters / ${nodes} nodes (versions ${fleet.versions}) up in ${fmt(fleet.readyS)} s, RSS ${fmt(started.rss, 0)} MB`,
  );
  const sandboxCpu0 = cpuOf(fleet.proc.pid);
  const plan = await runCli(
    [
      'fleet',
      'plan',
      fleet.fleetFile,
      '--to',
      fleet.target,
      '--out',
      join(dir, 'plans'),
      '-o',
      'json',
      ...(concurrency ? ['--concurrency', concurrency] : []),
    ],
    { prof: profDir },
  );
  const sandboxCpu = cpuOf(fleet.proc.pid) - sandboxCpu0;
  const sandboxMem = memOf(fleet.proc.pid);
  const stats = await admin.all('GET', '/sandbox/v1/stats');
  const requests = [...stats.values()].reduce((n, s) => n + s.requests.reduce((m, r) => m + r.count, 0), 0);
  await fleet.stop();
  let doc = {};
  try {
    doc = JSON.parse(plan.stdout);
  } catch {
    console.log(`  fleet plan printed no JSON (exit ${plan.code}): ${plan.stderr.trim().slice(0, 400)}`);
  }
  const planned = (doc.stages ?? []).reduce((n, s) => n + s.clusters.length, 0);
  const blocked = (doc.stages ?? []).reduce((n, s) => n + s.clusters.filter((c) => !c.safe).length, 0);
  console.log(
    `  fleet plan --concurrency ${concurrency}: exit code ${plan.code}, ${planned} clusters planned, ${blocked} blocked, ${doc.skipped?.length ?? 0} skipped`,
  );
  console.log(`  wall time (process start → exit)   ${fmt(plan.wallS)} s   (target <= 60 s)`);
  console.log(`  peak RSS of the fleet plan process ${fmt(plan.rusage?.maxRssMB ?? NaN, 0)} MB   (target <= 2048 MB)`);
  console.log(
    `  CPU of the fleet plan process      ${fmt((plan.rusage?.userS ?? NaN) + (plan.rusage?.systemS ?? NaN))} s (user + system); the sandbox's meanwhile ${fmt(sandboxCpu)} s`,
  );
  console.log(`  sandbox RSS after the plan         ${fmt(sandboxMem.rss, 0)} MB (peak ${fmt(sandboxMem.peak, 0)} MB)`);
  console.log(`  API requests                       ${requests} (${fmt(requests / clusters)} per cluster)`);
  const blockers = blockersOf(doc);
  if (blockers.size === 0) console.log('  blockers: none');
  for (const [id, names] of blockers)
    console.log(
      `  blocker ${id}: ${names.length} clusters (${names.slice(0, 6).join(', ')}${names.length > 6 ? ', …' : ''})`,
    );
  if (plan.code !== 0 && plan.code !== 2) console.log(`  stderr: ${plan.stderr.trim().slice(0, 400)}`);
}

if (parts.includes('apply')) {
  const fleet = await startFleet('apply', applyClusters, applyNodes, [
    '--time-scale',
    String(timeScale),
    ...Object.entries(timings).flatMap(([k, v]) => ['--timing', `${k}=${v}`]),
  ]);
  const admin = adminOf(fleet.kubeconfig);
  // The light node driver (no oclif start-up per node): bench/lib/node-upgrade.mjs on each cluster's context.
  const file = parse(readFileSync(fleet.fleetFile, 'utf8'));
  for (const c of file.clusters)
    c.settings = {
      execCommand: [
        process.execPath,
        join(root, 'bench/lib/node-upgrade.mjs'),
        fleet.kubeconfig,
        '{node}',
        '{version}',
        c.context,
      ],
    };
  writeFileSync(fleet.fleetFile, stringify(file, { lineWidth: 0 }));
  const sizes = new Map(
    [...(await admin.all('GET', '/sandbox/v1/machines'))].map(([ctx, m]) => [ctx, m.machines.length]),
  );
  console.log(
    `\napply: sandbox fleet of ${applyClusters} clusters / ${applyNodes} nodes (versions ${fleet.versions}), time scale ${timeScale}, node time ${timings.upgradeCommandMs} + ${timings.kubeletRestartMs} ms simulated`,
  );
  const plan = await runCli([
    'fleet',
    'plan',
    fleet.fleetFile,
    '--to',
    fleet.target,
    '--out',
    join(dir, 'apply-plans'),
  ]);
  if (plan.code !== 0) {
    console.log(`  fleet plan exit code ${plan.code}; not applying:\n${plan.stdout}\n${plan.stderr}`);
    await fleet.stop();
    process.exit(0);
  }
  const fleetPlanPath = join(dir, 'apply-plans', 'fleet-plan.yaml');
  const fleetPlan = parse(readFileSync(fleetPlanPath, 'utf8'));

  // The sample the monitor watches: the canaries and the biggest cluster of every stage, then the biggest others.
  const stageOf = new Map(fleetPlan.stages.flatMap((s) => s.clusters.map((c) => [`sandbox-${c.name}`, s.name])));
  const bySize = [...sizes].sort((a, b) => b[1] - a[1]).map(([ctx]) => ctx);
  const sample = [];
  for (const s of fleetPlan.stages) {
    const first = bySize.find((ctx) => stageOf.get(ctx) === s.name);
    if (first) sample.push(first);
  }
  for (const ctx of [...fleetPlan.stages[0].clusters.map((c) => `sandbox-${c.name}`), ...bySize])
    if (sample.length < sampleSize && !sample.includes(ctx)) sample.push(ctx);
  const monitor = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'bench/lib/fleet-monitor.ts'), fleet.kubeconfig, String(timeScale), ...sample],
    { stdio: ['pipe', 'pipe', 'inherit'], cwd: root },
  );
  let monitorOut = '';
  await new Promise((resolve, reject) => {
    monitor.stdout.on('data', (d) => {
      monitorOut += d;
      if (monitorOut.includes('ready\n')) resolve();
    });
    monitor.on('exit', (c) => reject(new Error(`the monitor exited ${c}`)));
  });
  await admin.all('DELETE', '/sandbox/v1/stats');

  const events = [];
  const sandboxCpu0 = cpuOf(fleet.proc.pid);
  const apply = await runCli(
    [
      'fleet',
      'apply',
      fleetPlanPath,
      '--yes',
      '--skip-etcd-snapshot',
      '--log-format',
      'json',
      '--eviction-retry-delay',
      '1',
      '--node-ready-timeout',
      '300',
    ],
    {
      onLine: (l, t) => {
        if (!l.startsWith('{')) return;
        try {
          const e = JSON.parse(l);
          if (e.type?.startsWith('fleet-')) events.push({ ...e, t });
        } catch {
          /* not an event */
        }
      },
    },
  );
  const sandboxCpu = cpuOf(fleet.proc.pid) - sandboxCpu0;
  monitor.stdin.end();
  const reports = await new Promise((resolve) => {
    monitor.on('exit', () => {
      const last = monitorOut.trim().split('\n').pop();
      try {
        resolve(JSON.parse(last));
      } catch {
        resolve([]);
      }
    });
  });
  const stats = await admin.all('GET', '/sandbox/v1/stats');
  const machines = await admin.all('GET', '/sandbox/v1/machines');
  await fleet.stop();

  // Makespans from the events (arrival times, ms).
  const t0 = events.find((e) => e.type === 'fleet-started')?.t;
  const tEnd = events.find((e) => e.type === 'fleet-finished')?.t;
  const outcome = events.find((e) => e.type === 'fleet-finished');
  const startedAt = new Map();
  const own = new Map();
  for (const e of events) {
    if (e.type === 'fleet-cluster-started') startedAt.set(e.cluster, e.t);
    if (e.type === 'fleet-cluster-finished' && startedAt.has(e.cluster))
      own.set(e.cluster, (e.t - startedAt.get(e.cluster)) / 1000);
  }
  const count = (v, total) => {
    const m = /^(\d+(?:\.\d+)?)%$/.exec(String(v));
    const raw = m ? Math.ceil((Number(m[1]) * total) / 100) : Number(v);
    return Math.max(1, Math.min(raw, Math.max(total, 1)));
  };
  const soakS = (d) => {
    if (!d) return 0;
    let s = 0;
    for (const [, n, u] of String(d).matchAll(/(\d+(?:\.\d+)?)(h|m|s|ms)/g))
      s += Number(n) * { h: 3600, m: 60, s: 1, ms: 0.001 }[u];
    return s;
  };
  let lb = 0;
  let tight = 0;
  const stageLines = [];
  for (const s of fleetPlan.stages) {
    const n = s.clusters.length;
    const c = count(s.maxConcurrency, n);
    const times = s.clusters.map((x) => own.get(x.name) ?? 0);
    const slowest = Math.max(0, ...times);
    const sum = times.reduce((a, b) => a + b, 0);
    const rounds = Math.ceil(n / c);
    const soak = soakS(s.soak);
    lb += rounds * slowest + soak;
    tight += Math.max(slowest, sum / c) + soak;
    const st = events.find((e) => e.type === 'fleet-stage-started' && e.stage === s.name)?.t;
    const fin = events.find((e) => e.type === 'fleet-stage-finished' && e.stage === s.name)?.t;
    stageLines.push(
      `    ${s.name.padEnd(7)} ${String(n).padStart(4)} clusters, maxConcurrency ${c}: ${rounds} rounds × slowest ${fmt(slowest)} s + soak ${soak} s = ${fmt(rounds * slowest + soak)} s; tighter ${fmt(Math.max(slowest, sum / c) + soak)} s; took ${st && fin ? fmt((fin - st) / 1000) : '?'} s`,
    );
  }
  const makespan = t0 && tEnd ? (tEnd - t0) / 1000 : NaN;
  let upgraded = 0;
  let atTarget = 0;
  let twice = 0;
  let total = 0;
  for (const m of machines.values())
    for (const x of m.machines) {
      total++;
      if (x.upgrades > 0) upgraded++;
      if (x.upgrades > 1) twice++;
      if (x.kubeletVersion === fleet.target) atTarget++;
    }
  let requests = 0;
  let evictions = 0;
  for (const s of stats.values())
    for (const r of s.requests) {
      if (r.resource === 'pods/eviction') evictions += r.count;
      else requests += r.count;
    }
  const ofKind = (k) => reports.reduce((n, r) => n + r.kinds.filter((x) => x === k).length, 0);
  const pdbViolations = ofKind('pdb-below-minimum');
  console.log(
    `  fleet apply exit code ${apply.code}: ${outcome?.outcome ?? '?'}${outcome?.message ? ` — ${outcome.message}` : ''}`,
  );
  console.log(`  nodes at the target: ${atTarget}/${total}; upgraded: ${upgraded}; upgraded more than once: ${twice}`);
  console.log(
    '  lower bound LB = Σ stages, in order: ⌈clusters / maxConcurrency⌉ × the stage’s slowest cluster’s own makespan (its fleet-cluster-started → finished) + soak',
  );
  for (const l of stageLines) console.log(l);
  console.log(
    `  makespan (fleet-started → fleet-finished) ${fmt(makespan)} s; LB ${fmt(lb)} s → ${fmt(makespan / lb, 3)}× LB (target <= 1.15)`,
  );
  console.log(
    `  against the tighter bound Σ max(slowest, Σ makespans / maxConcurrency): ${fmt(tight)} s → ${fmt(makespan / tight, 3)}×`,
  );
  console.log(
    `  CPU of the fleet apply process ${fmt((apply.rusage?.userS ?? NaN) + (apply.rusage?.systemS ?? NaN))} s, peak RSS ${fmt(apply.rusage?.maxRssMB ?? NaN, 0)} MB; the sandbox's CPU meanwhile ${fmt(sandboxCpu)} s`,
  );
  console.log(
    `  API requests per upgraded node: ${fmt(requests / Math.max(1, upgraded), 2)}, plus ${fmt(evictions / Math.max(1, upgraded), 2)} evictions (${requests} requests, ${evictions} evictions, ${upgraded} nodes)`,
  );
  console.log(
    `  PDB violations (availability monitor over ${reports.length} clusters: ${reports.map((r) => r.context.replace('sandbox-', '')).join(', ')}): ${pdbViolations} (target 0), ${fmt(reports.reduce((n, r) => n + r.pdbSecondsBelow, 0))} s simulated below a minimum; other findings: workload-unavailable ${ofKind('workload-unavailable')}, pod-lost ${ofKind('pod-lost')}; monitor errors ${reports.reduce((n, r) => n + r.errors, 0)}`,
  );
  for (const r of reports) if (r.summary) console.log(`    ${r.context}: ${r.summary}`);
  if (apply.code !== 0) console.log(`  stderr: ${apply.stderr.trim().slice(0, 600)}`);
}

if (!keepDir) rmSync(dir, { recursive: true, force: true });
else console.log(`\nfiles kept in ${dir}`);
