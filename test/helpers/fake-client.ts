/**
 * Fakes of the ClusterClient port for unit tests: the methods a test gives are type-checked against the role
 * it fakes (`ClusterReads`, `PodEviction`, … or the whole `ClusterClient`); any other call rejects with an
 * error naming the method, so a test that reaches further into the cluster than it meant to fails loudly.
 */
import type { ClusterClient } from '../../src/cluster/index.js';

export function fakeClient<R extends object = ClusterClient>(methods: Partial<R> = {}): R {
  const unexpected = (p: string | symbol) => () => Promise.reject(new Error(`unexpected client call ${String(p)}`));
  // The one cast: a Partial<R> whose missing members all answer with the rejection above.
  return new Proxy(methods, { get: (given, p) => (p in given ? given[p as keyof typeof given] : unexpected(p)) }) as R;
}
