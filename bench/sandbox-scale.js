#!/usr/bin/env node
// Benchmark: the sandbox at scale. Starts `k8s-upgrade sandbox up --workload scale:N` (default 5,000 nodes,
// about 100,000 pods) as a separate process, then reports start-up time, the server's RSS (current and peak),
// the latency of full and paginated lists of nodes and pods over HTTPS, and whether `kubectl get nodes` works.
// Targets (issue 2): up in <= 30 s, <= 2 GB RSS, a full pod list <= 2 s, kubectl get nodes works.
// Usage: npm run bench:sandbox [-- --nodes 5000]
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { request } from 'node:https';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argNodes = process.argv.indexOf('--nodes');
const nodes = argNodes > 0 ? Number(process.argv[argNodes + 1]) : 5000;
const dir = mkdtempSync(join(tmpdir(), 'k8s-upgrade-bench-'));
const kubeconfig = join(dir, 'kubeconfig');

function rssMb(pid) {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const get = (k) => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(s)[1]) / 1024;
  return { rss: get('VmRSS'), peak: get('VmHWM') };
}

function get(target, path, accept = 'application/json') {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = request(
      {
        host: target.host,
        port: target.port,
        path,
        ca: target.ca,
        headers: { Authorization: `Bearer ${target.token}`, Accept: accept },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const transferMs = performance.now() - t0;
          const raw = Buffer.concat(chunks);
          const body = accept.startsWith('application/vnd.kubernetes.protobuf')
            ? raw
            : JSON.parse(raw.toString('utf8'));
          resolve({ ms: performance.now() - t0, transferMs, body, bytes: chunks.reduce((n, c) => n + c.length, 0) });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function fullPaged(target, path) {
  const t0 = performance.now();
  let cont = '';
  let items = 0;
  let pages = 0;
  do {
    const r = await get(target, `${path}?limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
    items += r.body.items.length;
    cont = r.body.metadata.continue ?? '';
    pages++;
  } while (cont);
  return { ms: performance.now() - t0, items, pages };
}

const t0 = performance.now();
const child = spawn(
  process.execPath,
  [
    join(root, 'bin/run.js'),
    'sandbox',
    'up',
    '--kubeconfig',
    kubeconfig,
    '--workload',
    `scale:${nodes}`,
    '--time-scale',
    '1',
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
let out = '';
await new Promise((resolve, reject) => {
  child.stdout.on('data', (d) => {
    out += d;
    if (out.includes('sandbox ready')) resolve();
  });
  child.on('exit', (code) => reject(new Error(`sandbox exited with ${code}: ${out}`)));
});
const startupS = (performance.now() - t0) / 1000;
const afterStart = rssMb(child.pid);

const kc = parse(readFileSync(kubeconfig, 'utf8'));
const url = new URL(kc.clusters[0].cluster.server);
const target = {
  host: url.hostname,
  port: url.port,
  token: kc.users[0].user.token,
  ca: Buffer.from(kc.clusters[0].cluster['certificate-authority-data'], 'base64').toString(),
};

const nodeList = await get(target, '/api/v1/nodes');
const podList = await get(target, '/api/v1/pods');
const podList2 = await get(target, '/api/v1/pods');
const podPaged = await fullPaged(target, '/api/v1/pods');
// What the product asks for: pods in Kubernetes protobuf (the body is not decoded here).
const podProtobuf = await get(target, '/api/v1/pods', 'application/vnd.kubernetes.protobuf, application/json');
const nodeTable = await get(
  target,
  '/api/v1/nodes?limit=500',
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
);
const byNode = await get(target, '/api/v1/pods?fieldSelector=spec.nodeName%3Dblue-1');
const afterLists = rssMb(child.pid);

let kubectl = 'kubectl not found';
try {
  const k0 = performance.now();
  const cache = mkdtempSync(join(tmpdir(), 'kcache-'));
  const stdout = execFileSync('kubectl', ['get', 'nodes', '--no-headers'], {
    env: { ...process.env, KUBECONFIG: kubeconfig, KUBECACHEDIR: cache, HOME: cache },
    maxBuffer: 64 * 1024 * 1024,
  }).toString();
  kubectl = `ok, ${stdout.trim().split('\n').length} rows in ${((performance.now() - k0) / 1000).toFixed(2)} s`;
} catch (e) {
  kubectl = `FAILED: ${e.message}`;
}

child.kill('SIGTERM');
await new Promise((r) => child.on('exit', r));
rmSync(dir, { recursive: true, force: true });

const fmt = (n, d = 2) => n.toFixed(d);
console.log(
  `sandbox scale benchmark: ${nodeList.body.items.length} nodes, ${podList.body.items.length} pods (node ${process.version}, ${process.arch})`,
);
console.log(`  start-up (spawn → ready line)      ${fmt(startupS)} s   (target <= 30 s)`);
console.log(`  RSS after start / peak              ${fmt(afterStart.rss, 0)} MB / ${fmt(afterStart.peak, 0)} MB`);
console.log(
  `  RSS after lists / peak              ${fmt(afterLists.rss, 0)} MB / ${fmt(afterLists.peak, 0)} MB   (target <= 2048 MB)`,
);
console.log(`  full node list                      ${fmt(nodeList.ms / 1000)} s, ${fmt(nodeList.bytes / 1e6, 1)} MB`);
console.log(
  `  full pod list, cold: last byte / parsed   ${fmt(podList.transferMs / 1000)} s / ${fmt(podList.ms / 1000)} s, ${fmt(podList.bytes / 1e6, 1)} MB   (target <= 2 s)`,
);
console.log(
  `  full pod list, warm: last byte / parsed   ${fmt(podList2.transferMs / 1000)} s / ${fmt(podList2.ms / 1000)} s`,
);
console.log(
  `  pod list in pages of 500            ${fmt(podPaged.ms / 1000)} s, ${podPaged.pages} pages, ${podPaged.items} pods`,
);
console.log(
  `  full pod list in protobuf, warm     ${fmt(podProtobuf.transferMs / 1000)} s to the last byte, ${fmt(podProtobuf.bytes / 1e6, 1)} MB`,
);
console.log(`  node Table page (kubectl get)       ${fmt(nodeTable.ms / 1000)} s`);
console.log(`  pods on one node (fieldSelector)    ${fmt(byNode.ms * 1, 1)} ms, ${byNode.body.items.length} pods`);
console.log(`  kubectl get nodes                   ${kubectl}`);
