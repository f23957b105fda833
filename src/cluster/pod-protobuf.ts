/**
 * Pod lists in Kubernetes' protobuf wire format (`application/vnd.kubernetes.protobuf`), decoded straight into
 * PodInfo views: only the fields `toPodInfo` (views.ts) reads are decoded, everything else (status details,
 * container statuses, managedFields, probes…) is skipped by its length. Field numbers are those of
 * k8s.io/api core/v1 and k8s.io/apimachinery meta/v1 `generated.proto`. The result equals `toPodInfo` of the
 * same pods read as JSON; an apiserver may also emit empty defaults (gogo writes non-pointer fields even when
 * empty), which read as absent, as they do in JSON.
 */
import { KUBERNETES_PROTOBUF_MAGIC, ProtobufError, ProtobufReader, WIRE_BYTES } from './protobuf-reader.js';
import type { PodInfo, Resources, Toleration } from './types.js';
import { cpuMilli, parseQuantity } from './quantity.js';

/** A decoded list page: its items and the ListMeta fields pagination needs. */
export interface ProtobufListPage<T> {
  items: T[];
  resourceVersion: string;
  continue: string | undefined;
}

/** The `runtime.Unknown` envelope: the kind it holds and where its raw message lies in the buffer. */
interface Envelope {
  kind: string;
  start: number;
  end: number;
}

/** Reads the magic and the runtime.Unknown envelope (typeMeta 1, raw 2, contentEncoding 3, contentType 4). */
function envelope(buf: Buffer): Envelope {
  if (buf.length < 4 || buf.compare(KUBERNETES_PROTOBUF_MAGIC, 0, 4, 0, 4) !== 0) throw new ProtobufError('the body does not start with the Kubernetes protobuf magic "k8s\\0"');
  const r = new ProtobufReader(buf, 4);
  let kind = '';
  let start = -1;
  let end = -1;
  let encoding = '';
  while (r.pos < r.end) {
    const tag = r.varint();
    if (tag === 0x0a) {
      const e = r.lengthEnd();
      while (r.pos < e) {
        const t = r.varint();
        if (t === 0x12) kind = r.string();
        else r.skip(t & 7);
      }
    } else if (tag === 0x12) {
      end = r.lengthEnd();
      start = r.pos;
      r.pos = end;
    } else if (tag === 0x1a) encoding = r.string();
    else r.skip(tag & 7);
  }
  if (encoding) throw new ProtobufError(`the body's contentEncoding "${encoding}" is not supported`);
  if (start < 0) throw new ProtobufError('the protobuf envelope holds no object');
  return { kind, start, end };
}

/**
 * The ListMeta of a protobuf list from the head of its body (the apiserver writes `metadata` before `items`),
 * or `undefined` while the bytes so far do not hold all of it. Lets the next page be asked for before this
 * one has arrived.
 */
export function protobufListHead(head: Buffer): { continue: string | undefined } | undefined {
  try {
    if (head.length < 4 || head.compare(KUBERNETES_PROTOBUF_MAGIC, 0, 4, 0, 4) !== 0) return undefined;
    const r = new ProtobufReader(head, 4);
    while (r.pos < r.end) {
      const tag = r.varint();
      if (tag !== 0x12) {
        r.skip(tag & 7);
        continue;
      }
      r.varint(); // the raw list's length: the whole body, not here yet
      const list = new ProtobufReader(head, r.pos);
      if (list.varint() !== 0x0a) return { continue: undefined }; // no ListMeta first: nothing to read early
      const metaEnd = list.lengthEnd(); // throws while ListMeta is incomplete
      let cont: string | undefined;
      while (list.pos < metaEnd) {
        const t = list.varint();
        if (t === 0x1a) cont = list.string() || undefined;
        else list.skip(t & 7);
      }
      return { continue: cont };
    }
  } catch {
    // A field cut off by the end of the bytes so far.
  }
  return undefined;
}

/** The message of a protobuf `Status` body (an error the apiserver sent in protobuf), as far as it can be read. */
export function protobufStatus(buf: Buffer): { message?: string; reason?: string } {
  try {
    const env = envelope(buf);
    const r = new ProtobufReader(buf, env.start, env.end);
    const out: { message?: string; reason?: string } = {};
    while (r.pos < r.end) {
      const tag = r.varint();
      if (tag === 0x1a) out.message = r.string();
      else if (tag === 0x22) out.reason = r.string();
      else r.skip(tag & 7);
    }
    return out;
  } catch {
    return {};
  }
}

/** A PodList page in protobuf as PodInfo views; throws a ProtobufError on a malformed body or another kind. */
export function decodePodListPage(buf: Buffer): ProtobufListPage<PodInfo> {
  const env = envelope(buf);
  if (env.kind !== 'PodList') throw new ProtobufError(`expected a PodList, the body holds a ${env.kind || 'message of no kind'}`);
  const r = new ProtobufReader(buf, env.start, env.end);
  const items: PodInfo[] = [];
  let resourceVersion = '';
  let cont: string | undefined;
  while (r.pos < r.end) {
    const tag = r.varint();
    if (tag === 0x12) {
      const e = r.lengthEnd();
      items.push(readPod(r, e));
      r.pos = e;
    } else if (tag === 0x0a) {
      const e = r.lengthEnd();
      while (r.pos < e) {
        const t = r.varint();
        if (t === 0x12) resourceVersion = r.string();
        else if (t === 0x1a) cont = r.string() || undefined;
        else r.skip(t & 7);
      }
    } else r.skip(tag & 7);
  }
  return { items, resourceVersion, continue: cont };
}

/** Requests summed as kube-scheduler does: containers added, init containers' max (see views.ts podRequests). */
interface RequestSums {
  sum: Resources;
  init: Resources;
}

function readPod(r: ProtobufReader, end: number): PodInfo {
  const pod: PodInfo = {
    namespace: '',
    name: '',
    uid: '',
    nodeName: undefined,
    labels: {},
    controller: undefined,
    mirror: false,
    phase: 'Unknown',
    ready: false,
    terminating: false,
    requests: { cpuMilli: 0, memoryBytes: 0, pods: 1 },
    emptyDirVolumes: [],
    nodeSelector: {},
    tolerations: [],
    images: [],
  };
  while (r.pos < end) {
    const tag = r.varint();
    if ((tag & 7) !== WIRE_BYTES) {
      r.skip(tag & 7);
      continue;
    }
    const e = r.lengthEnd();
    if (tag === 0x0a) readMeta(r, e, pod);
    else if (tag === 0x12) readSpec(r, e, pod);
    else if (tag === 0x1a) readStatus(r, e, pod);
    r.pos = e;
  }
  return pod;
}

/** ObjectMeta: name 1, namespace 3, uid 5, deletionTimestamp 9, labels 11, annotations 12, ownerReferences 13. */
function readMeta(r: ProtobufReader, end: number, pod: PodInfo): void {
  while (r.pos < end) {
    const tag = r.varint();
    switch (tag) {
      case 0x0a:
        pod.name = r.string();
        break;
      case 0x1a:
        pod.namespace = r.string();
        break;
      case 0x2a:
        pod.uid = r.string();
        break;
      case 0x4a:
        pod.terminating = true;
        r.skip(WIRE_BYTES);
        break;
      case 0x5a:
        r.mapEntry(r.lengthEnd(), pod.labels);
        break;
      case 0x62: {
        const e = r.lengthEnd();
        const a: Record<string, string> = {};
        r.mapEntry(e, a);
        if (a['kubernetes.io/config.mirror']) pod.mirror = true;
        break;
      }
      case 0x6a:
        readOwner(r, r.lengthEnd(), pod);
        break;
      default:
        r.skip(tag & 7);
    }
  }
}

/** OwnerReference: kind 1, name 3, uid 4, apiVersion 5, controller 6; the first controller reference wins. */
function readOwner(r: ProtobufReader, end: number, pod: PodInfo): void {
  let kind = '';
  let name = '';
  let uid = '';
  let apiVersion = '';
  let controller = false;
  while (r.pos < end) {
    const tag = r.varint();
    if (tag === 0x0a) kind = r.string();
    else if (tag === 0x1a) name = r.string();
    else if (tag === 0x22) uid = r.string();
    else if (tag === 0x2a) apiVersion = r.string();
    else if (tag === 0x30) controller = r.varint() !== 0;
    else r.skip(tag & 7);
  }
  if (controller && !pod.controller) pod.controller = { kind, name, uid, apiVersion };
}

/** PodSpec: volumes 1, containers 2, nodeSelector 7, nodeName 10, initContainers 20, tolerations 22. */
function readSpec(r: ProtobufReader, end: number, pod: PodInfo): void {
  let sums: RequestSums | undefined;
  while (r.pos < end) {
    const tag = r.varint();
    switch (tag) {
      case 0x0a:
        readVolume(r, r.lengthEnd(), pod);
        break;
      case 0x12:
        readContainer(r, r.lengthEnd(), pod, (sums ??= newSums()).sum, false);
        break;
      case 0x3a:
        r.mapEntry(r.lengthEnd(), pod.nodeSelector);
        break;
      case 0x52:
        pod.nodeName = r.string() || undefined;
        break;
      case 0xa2: // field 20 (initContainers), wire type 2: the two-byte varint a2 01
        readContainer(r, r.lengthEnd(), pod, (sums ??= newSums()).init, true);
        break;
      case 0xb2: // field 22 (tolerations), wire type 2: b2 01
        pod.tolerations.push(readToleration(r, r.lengthEnd()));
        break;
      default:
        r.skip(tag & 7);
    }
  }
  if (sums) {
    pod.requests.cpuMilli = Math.max(sums.sum.cpuMilli, sums.init.cpuMilli);
    pod.requests.memoryBytes = Math.max(sums.sum.memoryBytes, sums.init.memoryBytes);
  }
}

function newSums(): RequestSums {
  return { sum: { cpuMilli: 0, memoryBytes: 0, pods: 0 }, init: { cpuMilli: 0, memoryBytes: 0, pods: 0 } };
}

/** Volume: name 1, volumeSource 2 (VolumeSource: emptyDir 2). */
function readVolume(r: ProtobufReader, end: number, pod: PodInfo): void {
  let name = '';
  let emptyDir = false;
  while (r.pos < end) {
    const tag = r.varint();
    if (tag === 0x0a) name = r.string();
    else if (tag === 0x12) {
      const e = r.lengthEnd();
      while (r.pos < e) {
        const t = r.varint();
        if (t === 0x12) emptyDir = true;
        r.skip(t & 7);
      }
    } else r.skip(tag & 7);
  }
  if (emptyDir) pod.emptyDirVolumes.push(name);
}

/**
 * Container: image 2, resources 8 (ResourceRequirements: requests 2, a map of Quantity {string 1}). A
 * container's requests are added to `into`; an init container's are maxed into it.
 */
function readContainer(r: ProtobufReader, end: number, pod: PodInfo, into: Resources, init: boolean): void {
  let image = '';
  let cpu = 0;
  let memory = 0;
  while (r.pos < end) {
    const tag = r.varint();
    if (tag === 0x12) image = r.string();
    else if (tag === 0x42) {
      const e = r.lengthEnd();
      while (r.pos < e) {
        const t = r.varint();
        if (t !== 0x12) {
          r.skip(t & 7);
          continue;
        }
        const entryEnd = r.lengthEnd();
        let key = '';
        let value = '';
        while (r.pos < entryEnd) {
          const k = r.varint();
          if (k === 0x0a) key = r.string();
          else if (k === 0x12) {
            const qe = r.lengthEnd();
            while (r.pos < qe) {
              const q = r.varint();
              if (q === 0x0a) value = r.string();
              else r.skip(q & 7);
            }
          } else r.skip(k & 7);
        }
        if (key === 'cpu') cpu = cpuMilli(value);
        else if (key === 'memory') memory = parseQuantity(value);
      }
    } else r.skip(tag & 7);
  }
  if (init) {
    into.cpuMilli = Math.max(into.cpuMilli, cpu);
    into.memoryBytes = Math.max(into.memoryBytes, memory);
  } else {
    into.cpuMilli += cpu;
    into.memoryBytes += memory;
    pod.images.push(image);
  }
}

/** Toleration: key 1, operator 2, value 3, effect 4, tolerationSeconds 5 (only the fields present). */
function readToleration(r: ProtobufReader, end: number): Toleration & { tolerationSeconds?: number } {
  const t: Toleration & { tolerationSeconds?: number } = {};
  while (r.pos < end) {
    const tag = r.varint();
    if (tag === 0x0a) t.key = r.string();
    else if (tag === 0x12) t.operator = r.string();
    else if (tag === 0x1a) t.value = r.string();
    else if (tag === 0x22) t.effect = r.string();
    else if (tag === 0x28) t.tolerationSeconds = r.int();
    else r.skip(tag & 7);
  }
  return t;
}

/** PodStatus: phase 1, conditions 2 (PodCondition: type 1, status 2). */
function readStatus(r: ProtobufReader, end: number, pod: PodInfo): void {
  while (r.pos < end) {
    const tag = r.varint();
    if (tag === 0x0a) pod.phase = r.string() || 'Unknown';
    else if (tag === 0x12) {
      const e = r.lengthEnd();
      let type = '';
      let status = '';
      while (r.pos < e) {
        const t = r.varint();
        if (t === 0x0a) type = r.string();
        else if (t === 0x12) status = r.string();
        else r.skip(t & 7);
      }
      if (type === 'Ready' && status === 'True') pod.ready = true;
    } else r.skip(tag & 7);
  }
}
