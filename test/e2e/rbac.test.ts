/**
 * `k8s-upgrade rbac` as a user runs it: the commented YAML is the same objects as -o yaml / -o json, the
 * official Python client's models accept every object field for field, and bad subjects exit 3.
 */
import { execa } from 'execa';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

const BIN = resolve('bin/run.js');
const cli = (args: string[]) => execa(process.execPath, [BIN, ...args], { reject: false, env: { NO_COLOR: '1' } });

describe('k8s-upgrade rbac', () => {
  it('prints the same objects in every format, and the Python client round-trips them unchanged', async () => {
    const human = await cli(['rbac']);
    expect(human.exitCode, human.stderr).toBe(0);
    const docs = parseAllDocuments(human.stdout)
      .map((d) => d.toJS())
      .filter((d) => d);
    const json = await cli(['rbac', '-o', 'json']);
    const list = JSON.parse(json.stdout);
    expect(list).toMatchObject({ apiVersion: 'v1', kind: 'List' });
    expect(docs).toEqual(list.items);
    expect(parse((await cli(['rbac', '-o', 'yaml'])).stdout)).toEqual(list);
    expect(list.items.map((d: { kind: string }) => d.kind)).toEqual([
      'ServiceAccount',
      'ClusterRole',
      'ClusterRoleBinding',
      'Role',
      'RoleBinding',
    ]);

    const py = await execa('/usr/bin/python3', [resolve('test/e2e/python/model_roundtrip.py')], {
      input: json.stdout,
      reject: false,
    });
    expect(py.exitCode, py.stderr).toBe(0);
    expect(JSON.parse(py.stdout)).toEqual(list);
  });

  it('binds the subject it is given and refuses a malformed one with exit 3', async () => {
    const r = await cli(['rbac', '--service-account', 'ci/upgrader', '--name', 'upgrader', '--plan-only', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const items = JSON.parse(r.stdout).items as { kind: string; metadata: object; subjects?: object[] }[];
    expect(items.map((d) => d.kind)).toEqual(['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding']);
    expect(items[2]!.subjects).toEqual([{ kind: 'ServiceAccount', name: 'upgrader', namespace: 'ci' }]);
    for (const bad of [
      ['--service-account', 'no-slash'],
      ['--service-account', 'a/b/c'],
      ['--name', 'Not_A_Name'],
    ]) {
      const b = await cli(['rbac', ...bad]);
      expect(b.exitCode, bad.join(' ')).toBe(3);
      expect(b.stderr.trim().split('\n')[0]).toContain(bad[0]);
      expect(b.stdout).toBe('');
    }
  });
});
