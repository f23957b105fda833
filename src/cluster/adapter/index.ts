/**
 * The one adapter over @kubernetes/client-node: `KubeClusterClient` implements the ClusterClient port, with
 * kubeconfig loading like kubectl, leases, ConfigMaps, the Eviction API's answers as outcomes, client-node
 * errors as ClusterApiError, and the mapping of wire objects to the views of types.ts. Only this subfolder
 * (with transport/ and the caches' views) touches client-node; it must not decide anything about upgrades.
 */
export { loadAccess, type AccessOptions, type LoadedAccess } from './kubeconfig.js';
export { KubeClusterClient, PAGE_SIZE } from './kube-cluster-client.js';
export { getLease, createLease, replaceLease, deleteLease } from './leases.js';
export { getConfigMap, putConfigMap, deleteConfigMap } from './config-maps.js';
export { toNodeInfo, toPdbInfo, toPodInfo } from './views.js';
