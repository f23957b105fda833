/**
 * Kubernetes protobuf on the wire, read without generated code: a field reader for the envelope and a pod
 * list decoder that builds the same PodInfo views as the JSON path (lists of pods are the largest reads).
 * Pure: bytes in, views out.
 */
export { PROTOBUF_CONTENT_TYPE, ProtobufError, ProtobufReader } from './protobuf-reader.js';
export {
  decodePodListPage,
  podListDecoder,
  protobufListHead,
  protobufStatus,
  type ProtobufListPage,
} from './pod-protobuf.js';
