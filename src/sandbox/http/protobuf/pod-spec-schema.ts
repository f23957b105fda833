/**
 * Protobuf schema of PodSpec, every field of it, and its pod-level helpers (k8s.io/api core/v1
 * generated.proto): security context, DNS config, host aliases, readiness/scheduling gates, resource claims.
 * Field numbers transcribed from the upstream file; the JSON names are the Go structs' json tags.
 */
import { message } from './schema.js';
import {
  AppArmorProfile,
  Container,
  EphemeralContainer,
  LocalObjectReference,
  ResourceRequirements,
  SELinuxOptions,
  SeccompProfile,
  WindowsSecurityContextOptions,
} from './container-schema.js';
import { Affinity, Toleration, TopologySpreadConstraint } from './scheduling-schema.js';
import { Volume } from './volume-schema.js';

export const PodSpec = message('PodSpec', {
  volumes: [1, () => Volume, 'repeated'],
  containers: [2, () => Container, 'repeated'],
  restartPolicy: [3, 'string'],
  terminationGracePeriodSeconds: [4, 'int64'],
  activeDeadlineSeconds: [5, 'int64'],
  dnsPolicy: [6, 'string'],
  nodeSelector: [7, 'string', 'map'],
  serviceAccountName: [8, 'string'],
  serviceAccount: [9, 'string'],
  nodeName: [10, 'string'],
  hostNetwork: [11, 'bool'],
  hostPID: [12, 'bool'],
  hostIPC: [13, 'bool'],
  securityContext: [14, () => PodSecurityContext],
  imagePullSecrets: [15, () => LocalObjectReference, 'repeated'],
  hostname: [16, 'string'],
  subdomain: [17, 'string'],
  affinity: [18, () => Affinity],
  schedulerName: [19, 'string'],
  initContainers: [20, () => Container, 'repeated'],
  automountServiceAccountToken: [21, 'bool'],
  tolerations: [22, () => Toleration, 'repeated'],
  hostAliases: [23, () => HostAlias, 'repeated'],
  priorityClassName: [24, 'string'],
  priority: [25, 'int32'],
  dnsConfig: [26, () => PodDNSConfig],
  shareProcessNamespace: [27, 'bool'],
  readinessGates: [28, () => PodReadinessGate, 'repeated'],
  runtimeClassName: [29, 'string'],
  enableServiceLinks: [30, 'bool'],
  preemptionPolicy: [31, 'string'],
  overhead: [32, 'quantity', 'map'],
  topologySpreadConstraints: [33, () => TopologySpreadConstraint, 'repeated'],
  ephemeralContainers: [34, () => EphemeralContainer, 'repeated'],
  setHostnameAsFQDN: [35, 'bool'],
  os: [36, () => PodOS],
  hostUsers: [37, 'bool'],
  schedulingGates: [38, () => PodSchedulingGate, 'repeated'],
  resourceClaims: [39, () => PodResourceClaim, 'repeated'],
  resources: [40, () => ResourceRequirements],
  hostnameOverride: [41, 'string'],
  workloadRef: [42, () => WorkloadReference],
});

export const PodSecurityContext = message('PodSecurityContext', {
  seLinuxOptions: [1, () => SELinuxOptions],
  runAsUser: [2, 'int64'],
  runAsNonRoot: [3, 'bool'],
  supplementalGroups: [4, 'int64', 'repeated'],
  fsGroup: [5, 'int64'],
  runAsGroup: [6, 'int64'],
  sysctls: [7, () => Sysctl, 'repeated'],
  windowsOptions: [8, () => WindowsSecurityContextOptions],
  fsGroupChangePolicy: [9, 'string'],
  seccompProfile: [10, () => SeccompProfile],
  appArmorProfile: [11, () => AppArmorProfile],
  supplementalGroupsPolicy: [12, 'string'],
  seLinuxChangePolicy: [13, 'string'],
});

export const Sysctl = message('Sysctl', {
  name: [1, 'string'],
  value: [2, 'string'],
});

export const HostAlias = message('HostAlias', {
  ip: [1, 'string'],
  hostnames: [2, 'string', 'repeated'],
});

export const PodDNSConfig = message('PodDNSConfig', {
  nameservers: [1, 'string', 'repeated'],
  searches: [2, 'string', 'repeated'],
  options: [3, () => PodDNSConfigOption, 'repeated'],
});

export const PodDNSConfigOption = message('PodDNSConfigOption', {
  name: [1, 'string'],
  value: [2, 'string'],
});

export const PodReadinessGate = message('PodReadinessGate', {
  conditionType: [1, 'string'],
});

export const PodOS = message('PodOS', {
  name: [1, 'string'],
});

export const PodSchedulingGate = message('PodSchedulingGate', {
  name: [1, 'string'],
});

export const PodResourceClaim = message('PodResourceClaim', {
  name: [1, 'string'],
  resourceClaimName: [3, 'string'],
  resourceClaimTemplateName: [4, 'string'],
});

export const WorkloadReference = message('WorkloadReference', {
  name: [1, 'string'],
  podGroup: [2, 'string'],
  podGroupReplicaKey: [3, 'string'],
});
