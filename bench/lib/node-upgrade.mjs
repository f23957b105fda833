#!/usr/bin/env node
// The node side of the apply benchmark: what `k8s-upgrade sandbox node upgrade NODE VERSION` does, without the
// oclif start-up (~0.5 s of CPU per node, which would distort a 500-node run on two cores). It POSTs
// /sandbox/v1/machines/<node>/upgrade with {version} to the sandbox named by a kubeconfig (its current context:
// server, CA, bearer token) and exits when the sandbox answers — after the simulated package install and kubeadm
// work; the kubelet then restarts on the sandbox side. Exit 0 on success, 1 with the sandbox's message otherwise.
// It talks to the admin API only (like ssh would reach a node), so it adds nothing to the API request counters.
// Usage: node bench/lib/node-upgrade.mjs KUBECONFIG NODE VERSION [CONTEXT]  (default: the current context; a
// sandbox fleet's cluster: sandbox-<name>)
import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

const [kubeconfig, node, version, context] = process.argv.slice(2);
if (!kubeconfig || !node || !version) {
  process.stderr.write('usage: node-upgrade.mjs KUBECONFIG NODE VERSION\n');
  process.exit(2);
}
const kc = parse(readFileSync(kubeconfig, 'utf8'));
const ctx = kc.contexts.find((c) => c.name === (context ?? kc['current-context']))?.context;
const cluster = kc.clusters.find((c) => c.name === ctx?.cluster)?.cluster;
const user = kc.users.find((u) => u.name === ctx?.user)?.user;
if (!cluster?.server || !user?.token) {
  process.stderr.write(`${kubeconfig}: no context ${context ?? '(current)'} with a server and a token\n`);
  process.exit(2);
}
const url = new URL(cluster.server);
const body = JSON.stringify({ version });
const req = request(
  {
    host: url.hostname,
    port: url.port,
    path: `/sandbox/v1/machines/${encodeURIComponent(node)}/upgrade`,
    method: 'POST',
    ca: Buffer.from(cluster['certificate-authority-data'], 'base64').toString('utf8'),
    headers: {
      Authorization: `Bearer ${user.token}`,
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(body),
    },
  },
  (res) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (d) => (text += d));
    res.on('end', () => {
      let doc;
      try {
        doc = JSON.parse(text);
      } catch {
        doc = undefined;
      }
      if (res.statusCode >= 300) {
        process.stderr.write(`${doc?.error ?? `sandbox answered HTTP ${res.statusCode}: ${text}`}\n`);
        process.exitCode = 1;
      } else process.stdout.write(`${doc?.message ?? text}\n`);
    });
  },
);
req.on('error', (e) => {
  process.stderr.write(`cannot reach the sandbox at ${url.origin}: ${e.message}\n`);
  process.exitCode = 1;
});
req.end(body);
