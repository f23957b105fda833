/**
 * Protobuf schema of the meta/v1 types a pod carries (k8s.io/apimachinery pkg/apis/meta/v1/generated.proto):
 * ObjectMeta with owner references and managedFields, ListMeta, LabelSelector.
 * Field numbers transcribed from the upstream file; the JSON names are the Go structs' json tags.
 */
import { message } from './schema.js';

export const ListMeta = message('ListMeta', {
  selfLink: [1, 'string'],
  resourceVersion: [2, 'string'],
  continue: [3, 'string'],
  remainingItemCount: [4, 'int64'],
});

export const ObjectMeta = message('ObjectMeta', {
  name: [1, 'string'],
  generateName: [2, 'string'],
  namespace: [3, 'string'],
  selfLink: [4, 'string'],
  uid: [5, 'string'],
  resourceVersion: [6, 'string'],
  generation: [7, 'int64'],
  creationTimestamp: [8, 'time'],
  deletionTimestamp: [9, 'time'],
  deletionGracePeriodSeconds: [10, 'int64'],
  labels: [11, 'string', 'map'],
  annotations: [12, 'string', 'map'],
  ownerReferences: [13, () => OwnerReference, 'repeated'],
  finalizers: [14, 'string', 'repeated'],
  managedFields: [17, () => ManagedFieldsEntry, 'repeated'],
});

export const OwnerReference = message('OwnerReference', {
  kind: [1, 'string'],
  name: [3, 'string'],
  uid: [4, 'string'],
  apiVersion: [5, 'string'],
  controller: [6, 'bool'],
  blockOwnerDeletion: [7, 'bool'],
});

export const ManagedFieldsEntry = message('ManagedFieldsEntry', {
  manager: [1, 'string'],
  operation: [2, 'string'],
  apiVersion: [3, 'string'],
  time: [4, 'time'],
  fieldsType: [6, 'string'],
  fieldsV1: [7, 'fieldsV1'],
  subresource: [8, 'string'],
});

export const LabelSelector = message('LabelSelector', {
  matchLabels: [1, 'string', 'map'],
  matchExpressions: [2, () => LabelSelectorRequirement, 'repeated'],
});

export const LabelSelectorRequirement = message('LabelSelectorRequirement', {
  key: [1, 'string'],
  operator: [2, 'string'],
  values: [3, 'string', 'repeated'],
});
