/**
 * The etcd layout of the sandbox's tables: built-in resources under their plural (nodes under minions), custom
 * resources under `<group>/<plural>` as kube-apiserver keeps them, and keys read back to the same table.
 */
import { describe, expect, it } from 'vitest';
import { etcdKey, parseEtcdKey } from '../../../src/sandbox/etcd-backend/keys.js';

describe('etcd keys', () => {
  it.each([
    ['apps/deployments', 'default', 'web', '/registry/deployments/default/web'],
    ['nodes', undefined, 'n1', '/registry/minions/n1'],
    ['coordination.k8s.io/leases', 'kube-system', 'l', '/registry/leases/kube-system/l'],
    ['example.com/widgets', 'default', 'a', '/registry/example.com/widgets/default/a'],
    ['stable.example.com/gadgets', undefined, 'g', '/registry/stable.example.com/gadgets/g'],
  ])('%s %s/%s ↔ %s', (resource, namespace, name, key) => {
    expect(etcdKey(resource, namespace, name)).toBe(key);
    expect(parseEtcdKey(key)).toEqual({ resource, ...(namespace ? { namespace } : {}), name });
  });

  it('skips keys of resources it does not serve', () => {
    expect(parseEtcdKey('/registry/podtemplates/default/x')).toBeUndefined();
    expect(parseEtcdKey('/other/deployments/default/web')).toBeUndefined();
  });
});
