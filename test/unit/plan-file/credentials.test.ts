/**
 * Plans never hold credentials: a credential anywhere in a plan file (even under an unknown key) is refused
 * with its path before anything else is checked, and the writer refuses to produce one.
 */
import { describe, expect, it } from 'vitest';
import { findCredentials, serializePlan, type UpgradePlan } from '../../../src/plan/index.js';
import { edited, parseRaw, planError } from './helpers.js';
import { blockedPlan, safePlan } from './plan-builder.js';

describe('credentials in a plan file', () => {
  it.each([
    { name: 'a token key at the top', edits: { token: 'abc' }, path: 'token' },
    { name: 'a password key deep inside', edits: { 'driver.exec.password': 'hunter2' }, path: 'driver.exec.password' },
    {
      name: 'kubeconfig client-key-data',
      edits: { 'cluster.client-key-data': 'LS0tLS1CRUdJTi' },
      path: 'cluster.client-key-data',
    },
    { name: 'a bearer_token key', edits: { 'metadata.bearer_token': 'x' }, path: 'metadata.bearer_token' },
    { name: 'an sshPassword key', edits: { 'options.sshPassword': 'x' }, path: 'options.sshPassword' },
    { name: 'a privateKey key', edits: { 'cluster.privateKey': 'x' }, path: 'cluster.privateKey' },
    {
      name: 'an apiKey key in a list item',
      edits: { 'options.healthGates.http': [{ url: 'https://x', apiKey: 'k' }] },
      path: 'options.healthGates.http[0].apiKey',
    },
    {
      name: 'PEM private-key material in a value',
      edits: { 'findings[0].message': '-----BEGIN RSA PRIVATE KEY-----\nMIIE...' },
      path: 'findings[0].message',
    },
    {
      name: 'a bearer token in a value',
      edits: { 'findings[0].objects[0].detail': 'Bearer eyJhbGciOiJSUzI1NiJ9.abc' },
      path: 'findings[0].objects[0].detail',
    },
    {
      name: 'a password in the server URL',
      edits: { 'cluster.server': 'https://admin:s3cret@10.0.0.1:6443' },
      path: 'cluster.server',
    },
    {
      name: 'a --token flag in the driver argv',
      edits: { 'driver.exec.upgrade': ['my-upgrade', '--token', 'abc', '{node}'] },
      path: 'driver.exec.upgrade[2]',
    },
    {
      name: 'a --password= flag in a gate',
      edits: { 'options.healthGates.commands': [{ argv: ['check', '--db-password=abc'] }] },
      path: 'options.healthGates.commands[0].argv[1]',
    },
  ])('refuses $name', ({ edits, path }) => {
    const err = planError(() => parseRaw(edited(safePlan(), edits)), 'PLAN_CREDENTIALS');
    expect(err.problems.map((p) => p.path)).toContain(path);
    expect(err.message).toContain('Plans never hold credentials');
    expect(err.message).toContain(path);
  });

  it('does not leak the secret value into the error', () => {
    const err = planError(
      () => parseRaw(edited(safePlan(), { 'driver.exec.upgrade': ['u', '--token', 'sup3r-s3cret'] })),
      'PLAN_CREDENTIALS',
    );
    expect(err.message).not.toContain('sup3r-s3cret');
  });

  it('is checked before the schema and the hash', () => {
    // Unknown key, wrong type and stale hash too: the credential is what gets reported.
    planError(
      () => parseRaw(edited(safePlan(), { 'metadata.contentHash': 'bad', to: 1, secret: 'x' })),
      'PLAN_CREDENTIALS',
    );
  });

  it('allows what only looks close: key paths, kubeconfig paths, Secret objects, token-ish words in messages', () => {
    const plan = blockedPlan();
    expect(findCredentials(plan)).toEqual([]);
    expect(
      findCredentials({
        identityFile: '~/.ssh/id_ed25519',
        argv: ['k8s-upgrade', '--kubeconfig', '.sandbox/kubeconfig', '--token-ttl', '0'],
        objects: [{ kind: 'Secret', name: 'registry-token' }],
        message: 'The service account token of pod x is mounted.',
        url: 'https://user@host/x',
      }),
    ).toEqual([]);
  });

  it('refuses to write a plan that holds one', () => {
    const plan = safePlan();
    const withSecret = { ...plan, cluster: { ...plan.cluster, server: 'https://u:p@127.0.0.1:6443' } } as UpgradePlan;
    planError(() => serializePlan(withSecret), 'PLAN_CREDENTIALS');
  });
});
