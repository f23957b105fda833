/**
 * Protobuf schema of Pod and PodList (k8s.io/api core/v1 generated.proto), the roots the sandbox encodes.
 * Field numbers transcribed from the upstream file; the JSON names are the Go structs' json tags.
 */
import { message } from './schema.js';
import { ListMeta, ObjectMeta } from './meta-schema.js';
import { PodSpec } from './pod-spec-schema.js';
import { PodStatus } from './pod-status-schema.js';

export const PodList = message('PodList', {
  metadata: [1, () => ListMeta],
  items: [2, () => Pod, 'repeated'],
});

export const Pod = message('Pod', {
  metadata: [1, () => ObjectMeta],
  spec: [2, () => PodSpec],
  status: [3, () => PodStatus],
});
