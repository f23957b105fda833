/**
 * Protobuf schema of a pod's scheduling constraints (k8s.io/api core/v1 generated.proto): node/pod
 * (anti-)affinity, topology spread constraints, tolerations.
 * Field numbers transcribed from the upstream file; the JSON names are the Go structs' json tags.
 */
import { message } from './schema.js';
import { LabelSelector } from './meta-schema.js';

export const Affinity = message('Affinity', {
  nodeAffinity: [1, () => NodeAffinity],
  podAffinity: [2, () => PodAffinity],
  podAntiAffinity: [3, () => PodAntiAffinity],
});

export const NodeAffinity = message('NodeAffinity', {
  requiredDuringSchedulingIgnoredDuringExecution: [1, () => NodeSelector],
  preferredDuringSchedulingIgnoredDuringExecution: [2, () => PreferredSchedulingTerm, 'repeated'],
});

export const NodeSelector = message('NodeSelector', {
  nodeSelectorTerms: [1, () => NodeSelectorTerm, 'repeated'],
});

export const NodeSelectorTerm = message('NodeSelectorTerm', {
  matchExpressions: [1, () => NodeSelectorRequirement, 'repeated'],
  matchFields: [2, () => NodeSelectorRequirement, 'repeated'],
});

export const NodeSelectorRequirement = message('NodeSelectorRequirement', {
  key: [1, 'string'],
  operator: [2, 'string'],
  values: [3, 'string', 'repeated'],
});

export const PreferredSchedulingTerm = message('PreferredSchedulingTerm', {
  weight: [1, 'int32'],
  preference: [2, () => NodeSelectorTerm],
});

export const PodAffinity = message('PodAffinity', {
  requiredDuringSchedulingIgnoredDuringExecution: [1, () => PodAffinityTerm, 'repeated'],
  preferredDuringSchedulingIgnoredDuringExecution: [2, () => WeightedPodAffinityTerm, 'repeated'],
});

export const PodAntiAffinity = message('PodAntiAffinity', {
  requiredDuringSchedulingIgnoredDuringExecution: [1, () => PodAffinityTerm, 'repeated'],
  preferredDuringSchedulingIgnoredDuringExecution: [2, () => WeightedPodAffinityTerm, 'repeated'],
});

export const PodAffinityTerm = message('PodAffinityTerm', {
  labelSelector: [1, () => LabelSelector],
  namespaces: [2, 'string', 'repeated'],
  topologyKey: [3, 'string'],
  namespaceSelector: [4, () => LabelSelector],
  matchLabelKeys: [5, 'string', 'repeated'],
  mismatchLabelKeys: [6, 'string', 'repeated'],
});

export const WeightedPodAffinityTerm = message('WeightedPodAffinityTerm', {
  weight: [1, 'int32'],
  podAffinityTerm: [2, () => PodAffinityTerm],
});

export const TopologySpreadConstraint = message('TopologySpreadConstraint', {
  maxSkew: [1, 'int32'],
  topologyKey: [2, 'string'],
  whenUnsatisfiable: [3, 'string'],
  labelSelector: [4, () => LabelSelector],
  minDomains: [5, 'int32'],
  nodeAffinityPolicy: [6, 'string'],
  nodeTaintsPolicy: [7, 'string'],
  matchLabelKeys: [8, 'string', 'repeated'],
});

export const Toleration = message('Toleration', {
  key: [1, 'string'],
  operator: [2, 'string'],
  value: [3, 'string'],
  effect: [4, 'string'],
  tolerationSeconds: [5, 'int64'],
});
