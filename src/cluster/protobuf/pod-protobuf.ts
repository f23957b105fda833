/**
 * Pod lists in Kubernetes' protobuf wire format (`application/vnd.kubernetes.protobuf`), decoded straight into
 * PodInfo views: only the fields `toPodInfo` (views.ts) reads are decoded, everything else (status details,
 * container statuses, managedFields, probes…) is skipped by its length. Field numbers are those of
 * k8s.io/api core/v1 and k8s.io/apimachinery meta/v1 `generated.proto`. The result equals `toPodInfo` of the
 * same pods read as JSON; an apiserver may also emit empty defaults (gogo writes non-pointer fields even when
 * empty), which read as absent, as they do in JSON.
 */
import { KUBERNETES_PROTOBUF_MAGIC, latin1, ProtobufError, ProtobufReader, WIRE_BYTES } from './protobuf-reader.js';
import type { OwnerRef, PodInfo, Resources, Toleration } from '../types.js';
import { milliOrZero, valueOrZero } from '../adapter/views.js';

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
  if (buf.length < 4 || buf.compare(KUBERNETES_PROTOBUF_MAGIC, 0, 4, 0, 4) !== 0)
    throw new ProtobufError('the body does not start with the Kubernetes protobuf magic "k8s\\0"');
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
  return new PodListDecoder().page(buf);
}

/**
 * A decoder for the pages of one list: identical parts of different pods (a ReplicaSet's pods share labels,
 * owner, tolerations, images and requests; thousands share a namespace) are decoded once and shared, so
 * 100,000 pods hold a few hundred thousand objects fewer — most of the garbage collector's work when they
 * are read. The views are read-only: a shared part must never be changed through one pod.
 */
export function podListDecoder(): (buf: Buffer) => ProtobufListPage<PodInfo> {
  const d = new PodListDecoder();
  return (buf) => d.page(buf);
}

const EMPTY_MAP: Record<string, string> = Object.freeze({}) as Record<string, string>;
const EMPTY_LIST: never[] = Object.freeze([]) as unknown as never[];

/** The parts many pods share, keyed by their bytes on the wire (read as one-byte strings). */
class Shared {
  readonly strings = new Map<string, string>();
  readonly labels = new Map<string, Record<string, string>>();
  readonly owners = new Map<string, OwnerRef>();
  readonly tolerations = new Map<string, Toleration[]>();
  readonly resources = new Map<string, { cpu: number; memory: number }>();
  readonly images = new Map<string, string[]>();
  readonly requests = new Map<number, Map<number, Resources>>();

  string(s: string): string {
    const had = this.strings.get(s);
    if (had !== undefined) return had;
    if (this.strings.size < SHARED_LIMIT) this.strings.set(s, s);
    return s;
  }

  request(cpuMilli: number, memoryBytes: number): Resources {
    let byMem = this.requests.get(cpuMilli);
    if (!byMem) this.requests.set(cpuMilli, (byMem = new Map()));
    let r = byMem.get(memoryBytes);
    if (!r) byMem.set(memoryBytes, (r = { cpuMilli, memoryBytes, pods: 1 }));
    return r;
  }
}

/** At most this many entries per table: a list of unique values costs lookups, not unbounded memory. */
const SHARED_LIMIT = 50_000;

function remember<T>(m: Map<string, T>, key: string, value: T): T {
  if (m.size < SHARED_LIMIT) m.set(key, value);
  return value;
}

class PodListDecoder {
  private readonly shared = new Shared();

  page(buf: Buffer): ProtobufListPage<PodInfo> {
    const env = envelope(buf);
    if (env.kind !== 'PodList')
      throw new ProtobufError(`expected a PodList, the body holds a ${env.kind || 'message of no kind'}`);
    const r = new ProtobufReader(buf, env.start, env.end);
    const items: PodInfo[] = [];
    let resourceVersion = '';
    let cont: string | undefined;
    while (r.pos < r.end) {
      const tag = r.varint();
      if (tag === 0x12) {
        const e = r.lengthEnd();
        items.push(this.pod(r, e));
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

  private pod(r: ProtobufReader, end: number): PodInfo {
    const pod: PodInfo = {
      namespace: '',
      name: '',
      uid: '',
      nodeName: undefined,
      labels: EMPTY_MAP,
      controller: undefined,
      mirror: false,
      phase: 'Unknown',
      ready: false,
      terminating: false,
      requests: ZERO_REQUESTS,
      emptyDirVolumes: EMPTY_LIST,
      nodeSelector: EMPTY_MAP,
      tolerations: EMPTY_LIST,
      images: EMPTY_LIST,
    };
    while (r.pos < end) {
      const tag = r.varint();
      if ((tag & 7) !== WIRE_BYTES) {
        r.skip(tag & 7);
        continue;
      }
      const e = r.lengthEnd();
      if (tag === 0x0a) this.meta(r, e, pod);
      else if (tag === 0x12) this.spec(r, e, pod);
      else if (tag === 0x1a) readStatus(r, e, pod, this.shared);
      r.pos = e;
    }
    return pod;
  }

  /** ObjectMeta: name 1, namespace 3, uid 5, deletionTimestamp 9, labels 11, annotations 12, ownerReferences 13. */
  private meta(r: ProtobufReader, end: number, pod: PodInfo): void {
    let labelsFrom = -1;
    let labelsTo = -1;
    while (r.pos < end) {
      const at = r.pos;
      const tag = r.varint();
      switch (tag) {
        case 0x0a:
          pod.name = r.string();
          break;
        case 0x1a:
          pod.namespace = this.shared.string(r.string());
          break;
        case 0x2a:
          pod.uid = r.string();
          break;
        case 0x4a:
          pod.terminating = true;
          r.skip(WIRE_BYTES);
          break;
        case 0x5a: // one label; a pod's labels are consecutive entries, shared as a whole below
          if (labelsFrom < 0) labelsFrom = at;
          r.skip(WIRE_BYTES);
          labelsTo = r.pos;
          break;
        case 0x62: {
          const e = r.lengthEnd();
          const a: Record<string, string> = {};
          r.mapEntry(e, a);
          if (a['kubernetes.io/config.mirror']) pod.mirror = true;
          break;
        }
        case 0x6a: {
          const e = r.lengthEnd();
          if (!pod.controller) pod.controller = this.owner(r, e);
          r.pos = e;
          break;
        }
        default:
          r.skip(tag & 7);
      }
    }
    if (labelsFrom >= 0) pod.labels = this.labels(r, labelsFrom, labelsTo);
  }

  /** The label entries in bytes [from, to) as one object, shared by every pod with the same labels. */
  private labels(r: ProtobufReader, from: number, to: number): Record<string, string> {
    const key = latin1(r.buf, from, to);
    const had = this.shared.labels.get(key);
    if (had) return had;
    const labels: Record<string, string> = {};
    const save = r.pos;
    r.pos = from;
    while (r.pos < to) {
      r.varint();
      const e = r.lengthEnd();
      let k = '';
      let v = '';
      while (r.pos < e) {
        const t = r.varint();
        if (t === 0x0a) k = this.shared.string(r.string());
        else if (t === 0x12) v = this.shared.string(r.string());
        else r.skip(t & 7);
      }
      labels[k] = v;
    }
    r.pos = save;
    return remember(this.shared.labels, key, labels);
  }

  /** OwnerReference: kind 1, name 3, uid 4, apiVersion 5, controller 6; the controller one, else undefined. */
  private owner(r: ProtobufReader, end: number): OwnerRef | undefined {
    const key = latin1(r.buf, r.pos, end);
    const had = this.shared.owners.get(key);
    if (had) return had;
    let kind = '';
    let name = '';
    let uid = '';
    let apiVersion = '';
    let controller = false;
    while (r.pos < end) {
      const tag = r.varint();
      if (tag === 0x0a) kind = this.shared.string(r.string());
      else if (tag === 0x1a) name = r.string();
      else if (tag === 0x22) uid = r.string();
      else if (tag === 0x2a) apiVersion = this.shared.string(r.string());
      else if (tag === 0x30) controller = r.varint() !== 0;
      else r.skip(tag & 7);
    }
    return controller ? remember(this.shared.owners, key, { kind, name, uid, apiVersion }) : undefined;
  }

  /** PodSpec: volumes 1, containers 2, nodeSelector 7, nodeName 10, initContainers 20, tolerations 22. */
  private spec(r: ProtobufReader, end: number, pod: PodInfo): void {
    let cpu = 0;
    let memory = 0;
    let initCpu = 0;
    let initMemory = 0;
    let containers = 0;
    let images: string[] | undefined;
    let imagesKey = '';
    let tolerationsFrom = -1;
    let tolerationsTo = -1;
    while (r.pos < end) {
      const at = r.pos;
      const tag = r.varint();
      switch (tag) {
        case 0x0a: {
          const name = readVolume(r, r.lengthEnd());
          if (name !== undefined)
            (pod.emptyDirVolumes === EMPTY_LIST ? (pod.emptyDirVolumes = []) : pod.emptyDirVolumes).push(name);
          break;
        }
        case 0x12: {
          const c = this.container(r, r.lengthEnd());
          cpu += c.cpu;
          memory += c.memory;
          imagesKey = containers++ === 0 ? c.image : `${imagesKey}\n${c.image}`;
          (images ??= []).push(c.image);
          break;
        }
        case 0x3a:
          if (pod.nodeSelector === EMPTY_MAP) pod.nodeSelector = {};
          r.mapEntry(r.lengthEnd(), pod.nodeSelector);
          break;
        case 0x52:
          pod.nodeName = this.shared.string(r.string()) || undefined;
          break;
        case 0xa2: {
          // field 20 (initContainers), wire type 2: the two-byte varint a2 01
          const c = this.container(r, r.lengthEnd());
          initCpu = Math.max(initCpu, c.cpu);
          initMemory = Math.max(initMemory, c.memory);
          break;
        }
        case 0xb2: // field 22 (tolerations), wire type 2: b2 01; consecutive entries, shared as a whole below
          if (tolerationsFrom < 0) tolerationsFrom = at;
          r.skip(WIRE_BYTES);
          tolerationsTo = r.pos;
          break;
        default:
          r.skip(tag & 7);
      }
    }
    pod.requests = this.shared.request(Math.max(cpu, initCpu), Math.max(memory, initMemory));
    if (images) pod.images = this.shared.images.get(imagesKey) ?? remember(this.shared.images, imagesKey, images);
    if (tolerationsFrom >= 0) pod.tolerations = this.tolerations(r, tolerationsFrom, tolerationsTo);
  }

  /** Container: image 2, resources 8 (requests 2: a map of Quantity {string 1}); the requests shared by their bytes. */
  private container(r: ProtobufReader, end: number): { image: string; cpu: number; memory: number } {
    let image = '';
    let res: { cpu: number; memory: number } | undefined;
    while (r.pos < end) {
      const tag = r.varint();
      if (tag === 0x12) image = this.shared.string(r.string());
      else if (tag === 0x42) {
        const e = r.lengthEnd();
        const key = latin1(r.buf, r.pos, e);
        res = this.shared.resources.get(key) ?? remember(this.shared.resources, key, readRequests(r, e));
        r.pos = e;
      } else r.skip(tag & 7);
    }
    return { image, cpu: res?.cpu ?? 0, memory: res?.memory ?? 0 };
  }

  /** The toleration entries in bytes [from, to), shared by every pod with the same ones. */
  private tolerations(r: ProtobufReader, from: number, to: number): Toleration[] {
    const key = latin1(r.buf, from, to);
    const had = this.shared.tolerations.get(key);
    if (had) return had;
    const out: Toleration[] = [];
    const save = r.pos;
    r.pos = from;
    while (r.pos < to) {
      r.varint();
      out.push(readToleration(r, r.lengthEnd(), this.shared));
    }
    r.pos = save;
    return remember(this.shared.tolerations, key, out);
  }
}

const ZERO_REQUESTS: Resources = Object.freeze({ cpuMilli: 0, memoryBytes: 0, pods: 1 });

/** ResourceRequirements' requests (field 2): cpu in millicores and memory in bytes. */
function readRequests(r: ProtobufReader, end: number): { cpu: number; memory: number } {
  let cpu = 0;
  let memory = 0;
  while (r.pos < end) {
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
    if (key === 'cpu') cpu = milliOrZero(value);
    else if (key === 'memory') memory = valueOrZero(value);
  }
  return { cpu, memory };
}

/** Volume: name 1, volumeSource 2 (VolumeSource: emptyDir 2); the name when it is an emptyDir volume. */
function readVolume(r: ProtobufReader, end: number): string | undefined {
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
  return emptyDir ? name : undefined;
}

/** Toleration: key 1, operator 2, value 3, effect 4, tolerationSeconds 5 (only the fields present). */
function readToleration(r: ProtobufReader, end: number, shared: Shared): Toleration & { tolerationSeconds?: number } {
  const t: Toleration & { tolerationSeconds?: number } = {};
  while (r.pos < end) {
    const tag = r.varint();
    if (tag === 0x0a) t.key = shared.string(r.string());
    else if (tag === 0x12) t.operator = shared.string(r.string());
    else if (tag === 0x1a) t.value = shared.string(r.string());
    else if (tag === 0x22) t.effect = shared.string(r.string());
    else if (tag === 0x28) t.tolerationSeconds = r.int();
    else r.skip(tag & 7);
  }
  return t;
}

/** PodStatus: phase 1, conditions 2 (PodCondition: type 1, status 2), compared as bytes, not decoded. */
function readStatus(r: ProtobufReader, end: number, pod: PodInfo, shared: Shared): void {
  while (r.pos < end) {
    const tag = r.varint();
    if (tag === 0x0a) pod.phase = shared.string(r.string()) || 'Unknown';
    else if (tag === 0x12) {
      const e = r.lengthEnd();
      let ready = false;
      let isTrue = false;
      while (r.pos < e) {
        const t = r.varint();
        if (t === 0x0a) ready = r.bytesEqual(READY);
        else if (t === 0x12) isTrue = r.bytesEqual(TRUE);
        else r.skip(t & 7);
      }
      if (ready && isTrue) pod.ready = true;
    } else r.skip(tag & 7);
  }
}

const READY = Buffer.from('Ready');
const TRUE = Buffer.from('True');
