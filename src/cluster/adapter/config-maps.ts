/**
 * ConfigMaps as plain views: read one, list by label selector, write one (create, or replace when it exists),
 * delete one. Used for the run-state mirror; what goes in them is decided in src/upgrade/, not here.
 */
import { CoreV1Api, type V1ConfigMap } from '@kubernetes/client-node';
import { call, getOrUndefined } from './api-errors.js';
import type { KubeClusterClient } from './kube-cluster-client.js';
import type { ConfigMapInfo, ConfigMapInput } from '../port/index.js';

const api = (client: KubeClusterClient) => client.api(CoreV1Api);

function toConfigMapInfo(c: V1ConfigMap): ConfigMapInfo {
  return {
    namespace: c.metadata?.namespace ?? '',
    name: c.metadata?.name ?? '',
    resourceVersion: c.metadata?.resourceVersion ?? '',
    labels: c.metadata?.labels ?? {},
    data: c.data ?? {},
    binaryData: Object.fromEntries(Object.entries(c.binaryData ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  };
}

export async function getConfigMap(
  client: KubeClusterClient,
  namespace: string,
  name: string,
): Promise<ConfigMapInfo | undefined> {
  const c = await getOrUndefined(`read configmap ${namespace}/${name}`, () =>
    api(client).readNamespacedConfigMap({ namespace, name }),
  );
  return c && toConfigMapInfo(c);
}

/** The ConfigMaps of `namespace` that match `labelSelector` (every page). */
export async function listConfigMaps(
  client: KubeClusterClient,
  namespace: string,
  labelSelector: string,
): Promise<ConfigMapInfo[]> {
  const out: ConfigMapInfo[] = [];
  let _continue: string | undefined;
  do {
    const page = await call(`list configmaps in ${namespace} (${labelSelector})`, () =>
      api(client).listNamespacedConfigMap({
        namespace,
        labelSelector,
        limit: 100,
        ...(_continue ? { _continue } : {}),
      }),
    );
    out.push(...page.items.map(toConfigMapInfo));
    _continue = page.metadata?._continue || undefined;
  } while (_continue);
  return out;
}

/**
 * Writes the whole ConfigMap (last writer wins: no resourceVersion precondition). Replaces it when it exists,
 * creates it otherwise (and replaces after all if a concurrent create won). One request in the common case.
 */
export async function putConfigMap(client: KubeClusterClient, cm: ConfigMapInput): Promise<ConfigMapInfo> {
  const { namespace, name } = cm;
  const body: V1ConfigMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { namespace, name, ...(cm.labels ? { labels: cm.labels } : {}) },
    data: cm.data,
  };
  if (cm.binaryData)
    body.binaryData = Object.fromEntries(Object.entries(cm.binaryData).map(([k, v]) => [k, v.toString('base64')]));
  const replace = () =>
    getOrUndefined(`write configmap ${namespace}/${name}`, () =>
      api(client).replaceNamespacedConfigMap({ namespace, name, body }),
    );
  const replaced = await replace();
  if (replaced) return toConfigMapInfo(replaced);
  try {
    return toConfigMapInfo(
      await call(`create configmap ${namespace}/${name}`, () =>
        api(client).createNamespacedConfigMap({ namespace, body }),
      ),
    );
  } catch (e) {
    if ((e as { isConflict?: boolean }).isConflict) {
      const again = await replace();
      if (again) return toConfigMapInfo(again);
    }
    throw e;
  }
}

/** Deletes the ConfigMap; absent is fine. */
export async function deleteConfigMap(client: KubeClusterClient, namespace: string, name: string): Promise<void> {
  await getOrUndefined(`delete configmap ${namespace}/${name}`, () =>
    api(client).deleteNamespacedConfigMap({ namespace, name }),
  );
}
