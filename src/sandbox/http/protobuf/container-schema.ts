/**
 * Protobuf schema of a container (k8s.io/api core/v1 generated.proto): Container (also the inlined
 * EphemeralContainerCommon, which has the same fields and numbers), ports, env/envFrom and their selectors,
 * resources, volume mounts, security context.
 * Field numbers transcribed from the upstream file; the JSON names are the Go structs' json tags.
 */
import { message } from './schema.js';
import { Lifecycle, Probe } from './probe-schema.js';

export const Container = message('Container', {
  name: [1, 'string'],
  image: [2, 'string'],
  command: [3, 'string', 'repeated'],
  args: [4, 'string', 'repeated'],
  workingDir: [5, 'string'],
  ports: [6, () => ContainerPort, 'repeated'],
  env: [7, () => EnvVar, 'repeated'],
  resources: [8, () => ResourceRequirements],
  volumeMounts: [9, () => VolumeMount, 'repeated'],
  livenessProbe: [10, () => Probe],
  readinessProbe: [11, () => Probe],
  lifecycle: [12, () => Lifecycle],
  terminationMessagePath: [13, 'string'],
  imagePullPolicy: [14, 'string'],
  securityContext: [15, () => SecurityContext],
  stdin: [16, 'bool'],
  stdinOnce: [17, 'bool'],
  tty: [18, 'bool'],
  envFrom: [19, () => EnvFromSource, 'repeated'],
  terminationMessagePolicy: [20, 'string'],
  volumeDevices: [21, () => VolumeDevice, 'repeated'],
  startupProbe: [22, () => Probe],
  resizePolicy: [23, () => ContainerResizePolicy, 'repeated'],
  restartPolicy: [24, 'string'],
  restartPolicyRules: [25, () => ContainerRestartRule, 'repeated'],
});

export const EphemeralContainer = message('EphemeralContainer', {
  ephemeralContainerCommon: [1, () => Container, 'inline'],
  targetContainerName: [2, 'string'],
});

export const ContainerPort = message('ContainerPort', {
  name: [1, 'string'],
  hostPort: [2, 'int32'],
  containerPort: [3, 'int32'],
  protocol: [4, 'string'],
  hostIP: [5, 'string'],
});

export const ContainerResizePolicy = message('ContainerResizePolicy', {
  resourceName: [1, 'string'],
  restartPolicy: [2, 'string'],
});

export const ContainerRestartRule = message('ContainerRestartRule', {
  action: [1, 'string'],
  exitCodes: [2, () => ContainerRestartRuleOnExitCodes],
});

export const ContainerRestartRuleOnExitCodes = message('ContainerRestartRuleOnExitCodes', {
  operator: [1, 'string'],
  values: [2, 'int32', 'repeated'],
});

export const EnvVar = message('EnvVar', {
  name: [1, 'string'],
  value: [2, 'string'],
  valueFrom: [3, () => EnvVarSource],
});

export const EnvVarSource = message('EnvVarSource', {
  fieldRef: [1, () => ObjectFieldSelector],
  resourceFieldRef: [2, () => ResourceFieldSelector],
  configMapKeyRef: [3, () => ConfigMapKeySelector],
  secretKeyRef: [4, () => SecretKeySelector],
  fileKeyRef: [5, () => FileKeySelector],
});

export const ObjectFieldSelector = message('ObjectFieldSelector', {
  apiVersion: [1, 'string'],
  fieldPath: [2, 'string'],
});

export const ResourceFieldSelector = message('ResourceFieldSelector', {
  containerName: [1, 'string'],
  resource: [2, 'string'],
  divisor: [3, 'quantity'],
});

export const ConfigMapKeySelector = message('ConfigMapKeySelector', {
  localObjectReference: [1, () => LocalObjectReference, 'inline'],
  key: [2, 'string'],
  optional: [3, 'bool'],
});

export const SecretKeySelector = message('SecretKeySelector', {
  localObjectReference: [1, () => LocalObjectReference, 'inline'],
  key: [2, 'string'],
  optional: [3, 'bool'],
});

export const FileKeySelector = message('FileKeySelector', {
  volumeName: [1, 'string'],
  path: [2, 'string'],
  key: [3, 'string'],
  optional: [4, 'bool'],
});

export const EnvFromSource = message('EnvFromSource', {
  prefix: [1, 'string'],
  configMapRef: [2, () => ConfigMapEnvSource],
  secretRef: [3, () => SecretEnvSource],
});

export const ConfigMapEnvSource = message('ConfigMapEnvSource', {
  localObjectReference: [1, () => LocalObjectReference, 'inline'],
  optional: [2, 'bool'],
});

export const SecretEnvSource = message('SecretEnvSource', {
  localObjectReference: [1, () => LocalObjectReference, 'inline'],
  optional: [2, 'bool'],
});

export const LocalObjectReference = message('LocalObjectReference', {
  name: [1, 'string'],
});

export const ResourceRequirements = message('ResourceRequirements', {
  limits: [1, 'quantity', 'map'],
  requests: [2, 'quantity', 'map'],
  claims: [3, () => ResourceClaim, 'repeated'],
});

export const ResourceClaim = message('ResourceClaim', {
  name: [1, 'string'],
  request: [2, 'string'],
});

export const VolumeMount = message('VolumeMount', {
  name: [1, 'string'],
  readOnly: [2, 'bool'],
  mountPath: [3, 'string'],
  subPath: [4, 'string'],
  mountPropagation: [5, 'string'],
  subPathExpr: [6, 'string'],
  recursiveReadOnly: [7, 'string'],
});

export const VolumeDevice = message('VolumeDevice', {
  name: [1, 'string'],
  devicePath: [2, 'string'],
});

export const SecurityContext = message('SecurityContext', {
  capabilities: [1, () => Capabilities],
  privileged: [2, 'bool'],
  seLinuxOptions: [3, () => SELinuxOptions],
  runAsUser: [4, 'int64'],
  runAsNonRoot: [5, 'bool'],
  readOnlyRootFilesystem: [6, 'bool'],
  allowPrivilegeEscalation: [7, 'bool'],
  runAsGroup: [8, 'int64'],
  procMount: [9, 'string'],
  windowsOptions: [10, () => WindowsSecurityContextOptions],
  seccompProfile: [11, () => SeccompProfile],
  appArmorProfile: [12, () => AppArmorProfile],
  ulimits: [13, () => Ulimit, 'repeated'],
});

export const Capabilities = message('Capabilities', {
  add: [1, 'string', 'repeated'],
  drop: [2, 'string', 'repeated'],
});

export const SELinuxOptions = message('SELinuxOptions', {
  user: [1, 'string'],
  role: [2, 'string'],
  type: [3, 'string'],
  level: [4, 'string'],
});

export const WindowsSecurityContextOptions = message('WindowsSecurityContextOptions', {
  gmsaCredentialSpecName: [1, 'string'],
  gmsaCredentialSpec: [2, 'string'],
  runAsUserName: [3, 'string'],
  hostProcess: [4, 'bool'],
});

export const SeccompProfile = message('SeccompProfile', {
  type: [1, 'string'],
  localhostProfile: [2, 'string'],
});

export const AppArmorProfile = message('AppArmorProfile', {
  type: [1, 'string'],
  localhostProfile: [2, 'string'],
});

export const Ulimit = message('Ulimit', {
  name: [1, 'string'],
  hard: [2, 'int64'],
  soft: [3, 'int64'],
});
