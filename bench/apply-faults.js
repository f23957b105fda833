#!/usr/bin/env node
// Benchmark: `k8s-upgrade apply` under the API faults of normal life, all at once, vs the same shape fault-free.
// For each scenario it starts a fresh `sandbox up --workload scale:N` in its own process (1 control plane by
// default + N−1 workers, ~20 pods per worker, PDBs on a third of the Deployments), plans v1.31.4 → v1.32.0
// with --max-unavailable 20 %, then — in the faults scenario — injects through `sandbox fault inject`:
// --error-rate of API requests answered 500 or 503 (evictions and writes included), every watch stream dropped
// every --drop-every-ms, and --stall-rate of requests stalled --stall-ms each; then runs the built CLI's
// `apply --yes --log-format json` ONCE (no resume: the run must converge in one go) and records its exit code,
// duration and the sandbox's counts: API requests served (/metrics), injected errors and stalls, watch drops.
// The node driver is one curl per node POSTing the sandbox's admin upgrade endpoint (the admin API is not
// subject to the faults), or, without curl, bench/lib/node-upgrade.mjs. Prints figures, asserts nothing.
// Usage: npm run bench:apply-faults [-- --nodes 30] [--error-rate 0.05] [--stall-rate 0.02] [--stall-ms 2000]
//        [--drop-every-ms 1500] [--control-planes 1] [--time-scale 1]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir, loadavg } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const nodes = Number(arg('nodes', 30));
const controlPlanes = Number(arg('control-planes', 1));
const timeScale = Number(arg('time-scale', 1));
const errorRate = Number(arg('error-rate', 0.05));
const stallRate = Number(arg('stall-rate', 0.02));
const stallMs = Number(arg('stall-ms', 2000));
const dropEveryMs = Number(arg('drop-every-ms', 1500));
const VERSION_TO = 'v1.32.0';
const timings = {
  upgradeCommandMs: 3000,
  kubeletRestartMs: 3000,
  staticPodRestartMs: 500,
  podStartupMs: 500,
  podTerminationMs: 200,
};

const run = (args) =>
  spawn(process.execPath, [join(root, 'bin/run.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
const collect = (child) =>
  new Promise((resolve) => {
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => resolve({ code, out, err }));
  });

async function startSandbox(dir) {
  const kubeconfig = join(dir, 'kubeconfig');
  const args = ['sandbox', 'up', '--kubeconfig', kubeconfig, '--workload', `scale:${nodes}`];
  args.push('--control-planes', String(controlPlanes), '--time-scale', String(timeScale));
  for (const [k, v] of Object.entries(timings)) args.push('--timing', `${k}=${v}`);
  const proc = run(args);
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
  /** API requests served, by HTTP code, from /metrics (apiserver_request_total). */
  const requests = async () => {
    const text = await call('GET', '/metrics');
    const byCode = new Map();
    for (const m of text.matchAll(/^apiserver_request_total\{code="(\d+)",[^}]*\} (\d+)$/gm))
      byCode.set(Number(m[1]), (byCode.get(Number(m[1])) ?? 0) + Number(m[2]));
    return byCode;
  };
  const faults = async () => JSON.parse(await call('GET', '/sandbox/v1/faults')).faults;
  return { kubeconfig, stop, requests, faults };
}

/** The node driver's argv (see bench/apply-scale.js): a curl per node, or a Node helper without curl. */
function driverArgv(dir, kubeconfig) {
  const curl = spawnSync('curl', ['--version'], { stdio: 'ignore' }).status === 0;
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

async function scenario(name, withFaults) {
  const dir = mkdtempSync(join(tmpdir(), `k8s-upgrade-bench-faults-${name}-`));
  const sandbox = await startSandbox(dir);
  try {
    await new Promise((r) => setTimeout(r, 2000)); // let the sandbox settle
    const planFile = join(dir, 'plan.yaml');
    const plan = await collect(
      run([
        'plan',
        '--kubeconfig',
        sandbox.kubeconfig,
        '--to',
        VERSION_TO,
        '--max-unavailable',
        '20%',
        '--delete-emptydir-data',
        '--force',
        '--exec-command',
        JSON.stringify(driverArgv(dir, sandbox.kubeconfig)),
        '--out',
        planFile,
        '-o',
        'json',
      ]),
    );
    if (plan.code !== 0) throw new Error(`plan exited ${plan.code}: ${plan.err.trim()} ${plan.out.slice(0, 2000)}`);
    const before = await sandbox.requests();
    if (withFaults) {
      const inject = async (...a) => {
        const r = await collect(run(['sandbox', 'fault', 'inject', ...a, '--kubeconfig', sandbox.kubeconfig]));
        if (r.code !== 0) throw new Error(`fault inject ${a.join(' ')} exited ${r.code}: ${r.err}`);
      };
      await inject('api-errors', '--rate', String(errorRate), '--codes', '500,503');
      await inject('drop-watches', '--every-ms', String(dropEveryMs));
      await inject('stall-requests', '--rate', String(stallRate), '--stall-ms', String(stallMs));
    }
    const t0 = performance.now();
    const apply = await collect(
      run([
        'apply',
        planFile,
        '--kubeconfig',
        sandbox.kubeconfig,
        '--yes',
        '--log-format',
        'json',
        '--skip-etcd-snapshot',
      ]),
    );
    const wallMs = performance.now() - t0;
    const faults = await sandbox.faults();
    const after = await sandbox.requests();
    const served = [...after].reduce((t, [c, n]) => t + n - (before.get(c) ?? 0), 0);
    const events = apply.out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
    const summary = events.find((e) => e.type === 'run-finished')?.summary;
    const hits = (type) => faults.filter((f) => f.type === type).reduce((t, f) => t + f.hits, 0);
    return {
      name,
      code: apply.code,
      outcome: summary?.outcome,
      stoppedBy: summary?.stoppedBy?.message,
      stderr: apply.err.trim().split('\n').slice(-3).join(' ').slice(0, 300),
      durationMs: summary?.durationMs ?? wallMs,
      wallMs,
      requests: served,
      injectedErrors: hits('api-errors'),
      stalls: hits('stall-requests'),
      drops: hits('drop-watches'),
      evictions: summary?.evictions ?? 0,
      nodesDone: summary?.nodes.filter((n) => n.status === 'done').length ?? 0,
    };
  } finally {
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
const results = [];
for (const [name, withFaults] of [
  ['fault-free', false],
  ['faults', true],
]) {
  process.stderr.write(`scenario ${name}…\n`);
  results.push(await scenario(name, withFaults));
}
const [free, faulty] = results;
console.log(
  `apply of a sandbox with ${nodes} nodes (${controlPlanes} control plane(s)), scale workload, v1.31.4 → ${VERSION_TO}, --max-unavailable 20%`,
);
console.log(
  `faults: ${(errorRate * 100).toFixed(1)}% of API requests answered 500/503, watches dropped every ${dropEveryMs} ms, ${(stallRate * 100).toFixed(1)}% of requests stalled ${stallMs} ms`,
);
for (const r of results) {
  console.log(
    `  ${r.name.padEnd(10)} exit ${r.code} (${r.outcome ?? 'no summary'}${r.stoppedBy ? `: ${r.stoppedBy.split('\n')[0]}` : ''}) in one run; ` +
      `${r.nodesDone}/${nodes} nodes done; duration ${s(r.durationMs)}; ${r.requests} API requests served (injected answers not counted); ${r.evictions} evictions` +
      (r.name === 'faults' ? `; injected: ${r.injectedErrors} errors, ${r.stalls} stalls, ${r.drops} watch drops` : ''),
  );
  if (r.code !== 0 && r.stderr) console.log(`    stderr: ${r.stderr}`);
}
console.log(
  `  requests retried (the injected 500/503 answers, each sent again by the retry policy or the drain): ${faulty.injectedErrors}; extra requests vs fault-free: ${faulty.requests - free.requests}`,
);
console.log(
  `  duration under faults / fault-free: ${(faulty.durationMs / free.durationMs).toFixed(2)}× (${s(faulty.durationMs)} vs ${s(free.durationMs)})`,
);
console.log(`  load average (1 min) at the end: ${loadavg()[0].toFixed(2)}`);
