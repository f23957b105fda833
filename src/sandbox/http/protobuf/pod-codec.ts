/**
 * Pods as protobuf: one Pod message per stored pod, encoded once and cached by the store next to its JSON
 * (the codec returns the encoding error instead of throwing, so a pod that cannot be encoded is not retried
 * on every list).
 */
import type { ObjectCodec } from '../../store/object-store.js';
import type { KObject } from '../../store/types.js';
import { encodeRoot, ProtobufEncodeError } from './encoder.js';
import { Pod } from './pod-schema.js';
import { ProtoWriter } from './writer.js';

export type PodEncoding = Buffer | ProtobufEncodeError;

const writer = new ProtoWriter();
const POD_TYPE_META = { apiVersion: 'v1', kind: 'Pod' } as const;

/** The Pod message (no envelope); throws ProtobufEncodeError for a pod it cannot represent exactly. */
export function encodePod(pod: KObject): Buffer {
  writer.reset();
  encodeRoot(writer, pod, Pod, POD_TYPE_META);
  return writer.finish();
}

export const POD_PROTOBUF: ObjectCodec<PodEncoding> = {
  id: 'protobuf/v1.Pod',
  encode(pod: KObject): PodEncoding {
    try {
      return encodePod(pod);
    } catch (e) {
      if (e instanceof ProtobufEncodeError) return e;
      throw e;
    }
  },
};
