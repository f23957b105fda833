/**
 * The kubeconfig the sandbox writes: one cluster (its HTTPS URL and CA), two users (an admin token and a
 * read-only token) and a context for each; the admin context is current. A sandbox fleet writes every cluster
 * into one file the same way, named `sandbox-<cluster>` (contexts `sandbox-<cluster>` and `…-readonly`). Written 0600, never to
 * ~/.kube/config unless the user names that file.
 */
import { writeFileSync, mkdirSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';

export interface KubeconfigInput {
  server: string;
  caPem: string;
  adminToken: string;
  readonlyToken: string;
  name?: string;
}

export function renderKubeconfig(k: KubeconfigInput): string {
  return renderKubeconfigs([k]);
}

/** Several sandboxes in one kubeconfig (a sandbox fleet): a cluster, two users and two contexts each; the first is current. */
export function renderKubeconfigs(all: readonly KubeconfigInput[]): string {
  const names = all.map((k) => k.name ?? 'sandbox');
  const lines = ['apiVersion: v1', 'kind: Config', 'clusters:'];
  all.forEach((k, i) => {
    lines.push(
      `- name: ${names[i]}`,
      '  cluster:',
      `    server: ${k.server}`,
      `    certificate-authority-data: ${Buffer.from(k.caPem).toString('base64')}`,
    );
  });
  lines.push('users:');
  all.forEach((k, i) => {
    lines.push(`- name: ${names[i]}-admin`, '  user:', `    token: ${k.adminToken}`);
    lines.push(`- name: ${names[i]}-readonly`, '  user:', `    token: ${k.readonlyToken}`);
  });
  lines.push('contexts:');
  for (const name of names) {
    for (const [ctx, user] of [
      [name, `${name}-admin`],
      [`${name}-readonly`, `${name}-readonly`],
    ])
      lines.push(`- name: ${ctx}`, '  context:', `    cluster: ${name}`, `    user: ${user}`, '    namespace: default');
  }
  lines.push(`current-context: ${names[0]}`, '');
  return lines.join('\n');
}

/** Writes atomically with mode 0600 (it holds tokens). */
export function writeKubeconfig(path: string, k: KubeconfigInput | readonly KubeconfigInput[]): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, Array.isArray(k) ? renderKubeconfigs(k) : renderKubeconfig(k as KubeconfigInput), { mode: 0o600 });
  renameSync(tmp, path);
}
