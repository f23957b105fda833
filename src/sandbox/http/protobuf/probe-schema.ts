/**
 * Protobuf schema of probes and lifecycle hooks (k8s.io/api core/v1 generated.proto): Probe, its inlined
 * ProbeHandler, the exec/httpGet/tcpSocket/grpc/sleep actions, Lifecycle.
 * Field numbers transcribed from the upstream file; the JSON names are the Go structs' json tags.
 */
import { message } from './schema.js';

export const Probe = message('Probe', {
  handler: [1, () => ProbeHandler, 'inline'],
  initialDelaySeconds: [2, 'int32'],
  timeoutSeconds: [3, 'int32'],
  periodSeconds: [4, 'int32'],
  successThreshold: [5, 'int32'],
  failureThreshold: [6, 'int32'],
  terminationGracePeriodSeconds: [7, 'int64'],
});

export const ProbeHandler = message('ProbeHandler', {
  exec: [1, () => ExecAction],
  httpGet: [2, () => HTTPGetAction],
  tcpSocket: [3, () => TCPSocketAction],
  grpc: [4, () => GRPCAction],
});

export const ExecAction = message('ExecAction', {
  command: [1, 'string', 'repeated'],
});

export const HTTPGetAction = message('HTTPGetAction', {
  path: [1, 'string'],
  port: [2, 'intOrString'],
  host: [3, 'string'],
  scheme: [4, 'string'],
  httpHeaders: [5, () => HTTPHeader, 'repeated'],
});

export const HTTPHeader = message('HTTPHeader', {
  name: [1, 'string'],
  value: [2, 'string'],
});

export const TCPSocketAction = message('TCPSocketAction', {
  port: [1, 'intOrString'],
  host: [2, 'string'],
});

export const GRPCAction = message('GRPCAction', {
  port: [1, 'int32'],
  service: [2, 'string'],
});

export const Lifecycle = message('Lifecycle', {
  postStart: [1, () => LifecycleHandler],
  preStop: [2, () => LifecycleHandler],
  stopSignal: [3, 'string'],
});

export const LifecycleHandler = message('LifecycleHandler', {
  exec: [1, () => ExecAction],
  httpGet: [2, () => HTTPGetAction],
  tcpSocket: [3, () => TCPSocketAction],
  sleep: [4, () => SleepAction],
});

export const SleepAction = message('SleepAction', {
  seconds: [1, 'int64'],
});
