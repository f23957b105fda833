/**
 * Protobuf schema of PodStatus, every field of it, with conditions, container statuses and states
 * (k8s.io/api core/v1 generated.proto).
 * Field numbers transcribed from the upstream file; the JSON names are the Go structs' json tags.
 */
import { message } from './schema.js';
import { ResourceRequirements } from './container-schema.js';

export const PodStatus = message('PodStatus', {
  phase: [1, 'string'],
  conditions: [2, () => PodCondition, 'repeated'],
  message: [3, 'string'],
  reason: [4, 'string'],
  hostIP: [5, 'string'],
  podIP: [6, 'string'],
  startTime: [7, 'time'],
  containerStatuses: [8, () => ContainerStatus, 'repeated'],
  qosClass: [9, 'string'],
  initContainerStatuses: [10, () => ContainerStatus, 'repeated'],
  nominatedNodeName: [11, 'string'],
  podIPs: [12, () => PodIP, 'repeated'],
  ephemeralContainerStatuses: [13, () => ContainerStatus, 'repeated'],
  resize: [14, 'string'],
  resourceClaimStatuses: [15, () => PodResourceClaimStatus, 'repeated'],
  hostIPs: [16, () => HostIP, 'repeated'],
  observedGeneration: [17, 'int64'],
  extendedResourceClaimStatus: [18, () => PodExtendedResourceClaimStatus],
  allocatedResources: [19, 'quantity', 'map'],
  resources: [20, () => ResourceRequirements],
});

export const PodCondition = message('PodCondition', {
  type: [1, 'string'],
  status: [2, 'string'],
  lastProbeTime: [3, 'time'],
  lastTransitionTime: [4, 'time'],
  reason: [5, 'string'],
  message: [6, 'string'],
  observedGeneration: [7, 'int64'],
});

export const PodIP = message('PodIP', {
  ip: [1, 'string'],
});

export const HostIP = message('HostIP', {
  ip: [1, 'string'],
});

export const PodResourceClaimStatus = message('PodResourceClaimStatus', {
  name: [1, 'string'],
  resourceClaimName: [2, 'string'],
});

export const PodExtendedResourceClaimStatus = message('PodExtendedResourceClaimStatus', {
  requestMappings: [1, () => ContainerExtendedResourceRequest, 'repeated'],
  resourceClaimName: [2, 'string'],
});

export const ContainerExtendedResourceRequest = message('ContainerExtendedResourceRequest', {
  containerName: [1, 'string'],
  resourceName: [2, 'string'],
  requestName: [3, 'string'],
});

export const ContainerStatus = message('ContainerStatus', {
  name: [1, 'string'],
  state: [2, () => ContainerState],
  lastState: [3, () => ContainerState],
  ready: [4, 'bool'],
  restartCount: [5, 'int32'],
  image: [6, 'string'],
  imageID: [7, 'string'],
  containerID: [8, 'string'],
  started: [9, 'bool'],
  allocatedResources: [10, 'quantity', 'map'],
  resources: [11, () => ResourceRequirements],
  volumeMounts: [12, () => VolumeMountStatus, 'repeated'],
  user: [13, () => ContainerUser],
  allocatedResourcesStatus: [14, () => ResourceStatus, 'repeated'],
  stopSignal: [15, 'string'],
});

export const ContainerState = message('ContainerState', {
  waiting: [1, () => ContainerStateWaiting],
  running: [2, () => ContainerStateRunning],
  terminated: [3, () => ContainerStateTerminated],
});

export const ContainerStateWaiting = message('ContainerStateWaiting', {
  reason: [1, 'string'],
  message: [2, 'string'],
});

export const ContainerStateRunning = message('ContainerStateRunning', {
  startedAt: [1, 'time'],
});

export const ContainerStateTerminated = message('ContainerStateTerminated', {
  exitCode: [1, 'int32'],
  signal: [2, 'int32'],
  reason: [3, 'string'],
  message: [4, 'string'],
  startedAt: [5, 'time'],
  finishedAt: [6, 'time'],
  containerID: [7, 'string'],
});

export const VolumeMountStatus = message('VolumeMountStatus', {
  name: [1, 'string'],
  mountPath: [2, 'string'],
  readOnly: [3, 'bool'],
  recursiveReadOnly: [4, 'string'],
  volumeStatus: [5, () => VolumeStatus],
});

export const VolumeStatus = message('VolumeStatus', {
  image: [1, () => ImageVolumeStatus],
});

export const ImageVolumeStatus = message('ImageVolumeStatus', {
  imageRef: [1, 'string'],
});

export const ContainerUser = message('ContainerUser', {
  linux: [1, () => LinuxContainerUser],
});

export const LinuxContainerUser = message('LinuxContainerUser', {
  uid: [1, 'int64'],
  gid: [2, 'int64'],
  supplementalGroups: [3, 'int64', 'repeated'],
});

export const ResourceStatus = message('ResourceStatus', {
  name: [1, 'string'],
  resources: [2, () => ResourceHealth, 'repeated'],
});

export const ResourceHealth = message('ResourceHealth', {
  resourceID: [1, 'string'],
  health: [2, 'string'],
  message: [6, 'string'],
});
