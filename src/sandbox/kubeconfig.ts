/**
 * The kubeconfig the sandbox writes: one cluster (its HTTPS URL and CA), two users (an admin token and a
 * read-only token) and a context for each; the admin context is current. Written 0600, never to
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
  const name = k.name ?? 'sandbox';
  const ca = Buffer.from(k.caPem).toString('base64');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${name}`,
    '  cluster:',
    `    server: ${k.server}`,
    `    certificate-authority-data: ${ca}`,
    'users:',
    `- name: ${name}-admin`,
    '  user:',
    `    token: ${k.adminToken}`,
    `- name: ${name}-readonly`,
    '  user:',
    `    token: ${k.readonlyToken}`,
    'contexts:',
    `- name: ${name}`,
    '  context:',
    `    cluster: ${name}`,
    `    user: ${name}-admin`,
    '    namespace: default',
    `- name: ${name}-readonly`,
    '  context:',
    `    cluster: ${name}`,
    `    user: ${name}-readonly`,
    '    namespace: default',
    `current-context: ${name}`,
    '',
  ].join('\n');
}

/** Writes atomically with mode 0600 (it holds tokens). */
export function writeKubeconfig(path: string, k: KubeconfigInput): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, renderKubeconfig(k), { mode: 0o600 });
  renameSync(tmp, path);
}
