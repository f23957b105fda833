/**
 * loadAccess over a kubeconfig with many contexts (a sandbox fleet's): the selected context only, its cluster and
 * its user, in the loaded access; a file is parsed once while it is unchanged, and read again once it changes.
 */
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadAccess } from '../../../src/cluster/index.js';

const kubeconfig = (n: number, port = 6443) =>
  [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    ...Array.from({ length: n }, (_, i) => [
      `- name: c${i}`,
      '  cluster:',
      `    server: https://127.0.0.1:${port + i}`,
    ]).flat(),
    'users:',
    ...Array.from({ length: n }, (_, i) => [`- name: u${i}`, '  user:', `    token: t${i}`]).flat(),
    'contexts:',
    ...Array.from({ length: n }, (_, i) => [
      `- name: x${i}`,
      '  context:',
      `    cluster: c${i}`,
      `    user: u${i}`,
    ]).flat(),
    'current-context: x0',
    '',
  ].join('\n');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'k8s-upgrade-kc-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('loadAccess with a many-context kubeconfig', () => {
  it('keeps only the selected context, its cluster and its user', () => {
    const file = join(dir, 'kc');
    writeFileSync(file, kubeconfig(50));
    const a = loadAccess({ kubeconfig: file, context: 'x7' });
    expect(a).toMatchObject({ context: 'x7', server: 'https://127.0.0.1:6450', source: file });
    expect(a.kc.getContexts().map((c) => c.name)).toEqual(['x7']);
    expect(a.kc.getClusters().map((c) => c.name)).toEqual(['c7']);
    expect(a.kc.getUsers().map((u) => u.name)).toEqual(['u7']);
    expect(a.kc.getCurrentUser()?.token).toBe('t7');
    // Another context of the same (cached) file is not affected by the first.
    expect(loadAccess({ kubeconfig: file, context: 'x8' }).server).toBe('https://127.0.0.1:6451');
    expect(loadAccess({ kubeconfig: file }).context).toBe('x0');
  });

  it('reads the file again once it changed', () => {
    const file = join(dir, 'kc');
    writeFileSync(file, kubeconfig(3));
    expect(loadAccess({ kubeconfig: file, context: 'x1' }).server).toBe('https://127.0.0.1:6444');
    writeFileSync(file, kubeconfig(3, 7000));
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect(loadAccess({ kubeconfig: file, context: 'x1' }).server).toBe('https://127.0.0.1:7001');
  });

  it('an unknown context is still refused, naming the contexts of the file', () => {
    const file = join(dir, 'kc');
    writeFileSync(file, kubeconfig(2));
    expect(() => loadAccess({ kubeconfig: file, context: 'nope' })).toThrow(/context "nope" is not in .*x0, x1/);
  });
});
