/**
 * Kubernetes' protobuf wire format for the sandbox's pod reads: a protobuf writer, schema tables transcribed
 * from the upstream generated.proto files, a schema-driven encoder that refuses what it cannot represent
 * exactly, kube-apiserver's `k8s\0` + runtime.Unknown envelope, content negotiation and streamed lists.
 *
 * Must not: import product code, or drop a field silently (an object it cannot encode is answered in JSON).
 */
export { negotiate, type Negotiated } from './negotiation.js';
export { ProtobufEncodeError } from './encoder.js';
export { POD_PROTOBUF, encodePod, type PodEncoding } from './pod-codec.js';
export { PodList } from './pod-schema.js';
export { sendProtobufObject, streamProtobufList } from './respond.js';
export { ProtobufStats } from './stats.js';
export { PROTOBUF_CONTENT_TYPE } from './envelope.js';
