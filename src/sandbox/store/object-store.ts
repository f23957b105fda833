/**
 * The sandbox's in-memory object store: one table per resource, a single store-wide resourceVersion counter
 * (like etcd's revision), a bounded history for watch replay, secondary indexes (one or several values per
 * object), and synchronous change listeners. Stored objects are never mutated in place: every write stores a
 * new object (which may share unchanged parts with the version it replaces), so history entries, list
 * snapshots and cached encodings (JSON, protobuf) stay valid. Callers must treat returned objects as read-only.
 */
import { randomUUID } from 'node:crypto';
import { draftOf, sameJson, settle } from './json.js';
import type { KObject, StoreEvent } from './types.js';
import { objectKey } from './types.js';

export type StoreErrorReason = 'NotFound' | 'AlreadyExists' | 'Conflict';

export class StoreError extends Error {
  constructor(
    readonly reason: StoreErrorReason,
    readonly resource: string,
    readonly objectName: string,
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

interface Entry {
  obj: KObject;
  json?: string;
  /** The object in another encoding (see ObjectCodec) and the codec that made it. */
  encoded?: unknown;
  encodedBy?: string;
}

/** Another wire form of stored objects (e.g. protobuf), cached by the store per object like their JSON. */
export interface ObjectCodec<T> {
  /** Identifies the encoding; an entry caches one encoding at a time. */
  readonly id: string;
  encode(obj: KObject): T;
}

/** An index's value(s) for an object: an object listed under several values is found by each of them. */
type IndexFn = (obj: KObject) => string | string[] | undefined;
type Listener = (ev: StoreEvent) => void;

export interface StoreOptions {
  /** How many past events watches can replay from; older resourceVersions get 410 Expired. */
  historySize?: number;
  /** Clock for creationTimestamp; tests may pin it. */
  now?: () => Date;
}

export class ObjectStore {
  private rv = 1;
  private readonly tables = new Map<string, Map<string, Entry>>();
  /** Sorted keys per table, rebuilt lazily after an object is added or removed (not on updates). */
  private readonly sortedKeys = new Map<string, string[]>();
  private readonly indexes = new Map<string, Map<string, { fn: IndexFn; map: Map<string, Set<string>> }>>();
  private readonly listeners = new Set<Listener>();
  private readonly history: StoreEvent[] = [];
  private historyStart = 0;
  private readonly historySize: number;
  private readonly now: () => Date;

  constructor(opts: StoreOptions = {}) {
    this.historySize = opts.historySize ?? 50_000;
    this.now = opts.now ?? (() => new Date());
  }

  get resourceVersion(): number {
    return this.rv;
  }

  /** The oldest resourceVersion a watch can still start from. */
  get oldestWatchableRv(): number {
    const first = this.history[this.historyStart];
    return first ? first.rv - 1 : this.rv;
  }

  private table(resource: string): Map<string, Entry> {
    let t = this.tables.get(resource);
    if (!t) {
      t = new Map();
      this.tables.set(resource, t);
    }
    return t;
  }

  /**
   * Registers a secondary index, e.g. pods by spec.nodeName. `byIndex` lists objects in the order they were
   * last written, except those already stored when the index is added (those come first, in table order).
   */
  addIndex(resource: string, name: string, fn: IndexFn): void {
    let byRes = this.indexes.get(resource);
    if (!byRes) {
      byRes = new Map();
      this.indexes.set(resource, byRes);
    }
    const map = new Map<string, Set<string>>();
    for (const [key, e] of this.table(resource)) addToIndex(map, fn(e.obj), key);
    byRes.set(name, { fn, map });
  }

  byIndex(resource: string, index: string, value: string): KObject[] {
    const idx = this.indexes.get(resource)?.get(index);
    if (!idx) throw new Error(`no index ${index} on ${resource}`);
    const t = this.table(resource);
    const out: KObject[] = [];
    for (const key of idx.map.get(value) ?? []) {
      const e = t.get(key);
      if (e) out.push(e.obj);
    }
    return out;
  }

  hasIndex(resource: string, index: string): boolean {
    return this.indexes.get(resource)?.has(index) ?? false;
  }

  get(resource: string, namespace: string | undefined, name: string): KObject | undefined {
    return this.table(resource).get(objectKey(namespace, name))?.obj;
  }

  /** Objects of a resource, optionally in one namespace, sorted by namespace/name like the real apiserver. */
  list(resource: string, namespace?: string): KObject[] {
    const t = this.table(resource);
    const out: KObject[] = [];
    for (const k of this.keys(resource)) {
      const e = t.get(k)!;
      if (namespace && e.obj.metadata.namespace !== namespace) continue;
      out.push(e.obj);
    }
    return out;
  }

  /** The table's keys (`ns/name` or `name`) in sorted order; cached until an object is added or removed. */
  keys(resource: string): string[] {
    let keys = this.sortedKeys.get(resource);
    if (!keys) {
      keys = [...this.table(resource).keys()].sort();
      this.sortedKeys.set(resource, keys);
    }
    return keys;
  }

  /** Objects whose key sorts after `afterKey`, at most `limit` accepted by `match`; also whether more remain. */
  page(
    resource: string,
    afterKey: string,
    limit: number,
    match: (o: KObject) => boolean,
    namespace?: string,
  ): { items: KObject[]; more: boolean; remaining?: number } {
    const keys = this.keys(resource);
    const t = this.table(resource);
    const prefix = namespace ? `${namespace}/` : '';
    if (prefix && afterKey < prefix) afterKey = prefix;
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (keys[mid] <= afterKey) lo = mid + 1;
      else hi = mid;
    }
    const items: KObject[] = [];
    let i = lo;
    const end = prefix ? upperBound(keys, prefix) : keys.length;
    for (; i < end && items.length < limit; i++) {
      const o = t.get(keys[i])!.obj;
      if (namespace && o.metadata.namespace !== namespace) continue;
      if (match(o)) items.push(o);
    }
    let more = false;
    for (let j = i; j < end; j++) {
      const o = t.get(keys[j])!.obj;
      if ((!namespace || o.metadata.namespace === namespace) && match(o)) {
        more = true;
        break;
      }
    }
    return { items, more, remaining: more && !namespace ? keys.length - i : undefined };
  }

  /** The resources that have a table (every kind of object stored so far). */
  resourceNames(): string[] {
    return [...this.tables.keys()];
  }

  count(resource: string): number {
    return this.table(resource).size;
  }

  /**
   * The object's JSON, cached until the object changes (lists of 100k pods are built from these). Kept as
   * strings, on the heap: as buffers, filling the cache counted hundreds of MB of new external memory, for
   * which V8 ran full collections of the whole heap while the first lists were served.
   */
  json(resource: string, obj: KObject): string {
    const e = this.table(resource).get(objectKey(obj.metadata.namespace, obj.metadata.name));
    if (e && e.obj === obj) {
      if (e.json === undefined) e.json = JSON.stringify(obj);
      return e.json;
    }
    return JSON.stringify(obj);
  }

  /** Fills the JSON cache of a table in the background, a slice per event-loop turn, so the first big list is fast. */
  warmJsonCache(resource: string, slice = 2000, between?: () => Promise<void>): Promise<void> {
    return this.warm(resource, slice, between, (e) => {
      if (e.json === undefined) e.json = JSON.stringify(e.obj);
    });
  }

  /** The object encoded by `codec`, cached until the object changes (like `json`). */
  encoded<T>(resource: string, obj: KObject, codec: ObjectCodec<T>): T {
    const e = this.table(resource).get(objectKey(obj.metadata.namespace, obj.metadata.name));
    if (e && e.obj === obj) {
      if (e.encodedBy !== codec.id) {
        e.encoded = codec.encode(obj);
        e.encodedBy = codec.id;
      }
      return e.encoded as T;
    }
    return codec.encode(obj);
  }

  /** Fills the `codec` cache of a table in the background, like warmJsonCache. */
  warmEncodedCache<T>(
    resource: string,
    codec: ObjectCodec<T>,
    slice = 2000,
    between?: () => Promise<void>,
  ): Promise<void> {
    return this.warm(resource, slice, between, (e) => {
      if (e.encodedBy === codec.id) return;
      e.encoded = codec.encode(e.obj);
      e.encodedBy = codec.id;
    });
  }

  /**
   * Runs `fill` on every entry of a table that is still current, a slice per event-loop turn (after `between`,
   * when given, resolves); resolves when done.
   */
  private warm(
    resource: string,
    slice: number,
    between: (() => Promise<void>) | undefined,
    fill: (e: Entry) => void,
  ): Promise<void> {
    const t = this.table(resource);
    const entries = [...t.values()];
    let i = 0;
    return new Promise((resolve) => {
      const step = () => {
        const end = Math.min(entries.length, i + slice);
        for (; i < end; i++)
          if (t.get(objectKey(entries[i].obj.metadata.namespace, entries[i].obj.metadata.name)) === entries[i])
            fill(entries[i]);
        if (i >= entries.length) resolve();
        else if (between) void between().then(step);
        else setImmediate(step);
      };
      setImmediate(step);
    });
  }

  /** Stores a new object. The caller hands over ownership of `obj`. Fills uid, resourceVersion, timestamps. */
  create(resource: string, obj: KObject): KObject {
    const t = this.table(resource);
    const meta = obj.metadata;
    const key = objectKey(meta.namespace, meta.name);
    if (t.has(key)) {
      throw new StoreError('AlreadyExists', resource, meta.name, `${resource} "${meta.name}" already exists`);
    }
    meta.uid = meta.uid || randomUUID();
    meta.creationTimestamp = meta.creationTimestamp || isoSeconds(this.now());
    if (meta.generation === undefined && (obj.spec !== undefined || resource.endsWith('poddisruptionbudgets')))
      meta.generation = 1;
    return this.commit(resource, key, obj, 'ADDED');
  }

  /**
   * Replaces an object. With `expectRv` the write is conditional (optimistic concurrency): a mismatch is a
   * Conflict. Generation is bumped when `spec` changed, as the apiserver does.
   */
  update(resource: string, obj: KObject, expectRv?: string): KObject {
    const t = this.table(resource);
    const key = objectKey(obj.metadata.namespace, obj.metadata.name);
    const cur = t.get(key);
    if (!cur) throw notFound(resource, obj.metadata.name);
    if (expectRv !== undefined && expectRv !== '' && expectRv !== cur.obj.metadata.resourceVersion) {
      throw new StoreError(
        'Conflict',
        resource,
        obj.metadata.name,
        `Operation cannot be fulfilled on ${resource} "${obj.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`,
      );
    }
    const old = cur.obj.metadata;
    obj.metadata.uid = old.uid;
    obj.metadata.creationTimestamp = old.creationTimestamp;
    if (old.generation !== undefined) {
      const specChanged = !sameJson(obj.spec, cur.obj.spec);
      obj.metadata.generation = specChanged ? old.generation + 1 : old.generation;
    }
    return this.commit(resource, key, obj, 'MODIFIED');
  }

  /**
   * Read-modify-write helper for controllers: `fn` gets a deep copy to change (top-level fields other than
   * metadata are copied when first read, see draftOf); returning `false` means "nothing to do". Fields `fn`
   * left as they were (spec, most often) are stored as the previous version's objects, not copies. Returns the
   * stored object, or undefined when it no longer exists.
   */
  mutate(
    resource: string,
    namespace: string | undefined,
    name: string,
    fn: (draft: KObject) => boolean | void,
  ): KObject | undefined {
    const cur = this.get(resource, namespace, name);
    if (!cur) return undefined;
    const draft = draftOf(cur, 'metadata');
    if (fn(draft) === false) return cur;
    return this.update(resource, settle(draft, cur, 'metadata'));
  }

  /** Removes an object now (the final step of deletion); watchers see DELETED at a new resourceVersion. */
  remove(resource: string, namespace: string | undefined, name: string, expectUid?: string): KObject {
    const t = this.table(resource);
    const key = objectKey(namespace, name);
    const cur = t.get(key);
    if (!cur) throw notFound(resource, name);
    if (expectUid && cur.obj.metadata.uid !== expectUid) {
      throw new StoreError(
        'Conflict',
        resource,
        name,
        `Precondition failed: UID in precondition: ${expectUid}, UID in object meta: ${cur.obj.metadata.uid}`,
      );
    }
    const rv = ++this.rv;
    const obj: KObject = { ...cur.obj, metadata: { ...cur.obj.metadata, resourceVersion: String(rv) } };
    t.delete(key);
    this.sortedKeys.delete(resource);
    this.unindex(resource, key, cur.obj);
    this.emit({ type: 'DELETED', resource, object: obj, rv });
    return obj;
  }

  /** Events after `rv`, or 'expired' when history no longer reaches back that far. */
  eventsSince(rv: number): StoreEvent[] | 'expired' {
    if (rv >= this.rv) return [];
    if (rv < this.oldestWatchableRv) return 'expired';
    const out: StoreEvent[] = [];
    for (let i = this.historyStart; i < this.history.length; i++) {
      const ev = this.history[i];
      if (ev.rv > rv) out.push(ev);
    }
    return out;
  }

  /**
   * Replaces the whole content with `objects` (what an etcd restore left), like a kube-apiserver starting on a
   * restored etcd: every object gets a new resourceVersion above every one handed out before (as
   * `--bump-revision` would), history is emptied so a watch from any older resourceVersion gets 410 Expired,
   * and no events are emitted (listeners must resync from `list`). Indexes are rebuilt.
   */
  reload(objects: { resource: string; obj: KObject }[], bump = 1000): void {
    for (const t of this.tables.values()) t.clear();
    this.sortedKeys.clear();
    for (const byRes of this.indexes.values()) for (const idx of byRes.values()) idx.map.clear();
    this.history.length = 0;
    this.historyStart = 0;
    this.rv += bump;
    for (const { resource, obj } of objects) {
      const key = objectKey(obj.metadata.namespace, obj.metadata.name);
      obj.metadata.resourceVersion = String(++this.rv);
      this.table(resource).set(key, { obj });
      this.index(resource, key, obj);
    }
  }

  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private commit(resource: string, key: string, obj: KObject, type: 'ADDED' | 'MODIFIED'): KObject {
    const t = this.table(resource);
    const rv = ++this.rv;
    obj.metadata.resourceVersion = String(rv);
    const prev = t.get(key);
    if (prev) this.unindex(resource, key, prev.obj);
    else this.sortedKeys.delete(resource);
    t.set(key, { obj });
    this.index(resource, key, obj);
    this.emit({ type, resource, object: obj, rv });
    return obj;
  }

  private emit(ev: StoreEvent): void {
    this.history.push(ev);
    if (this.history.length - this.historyStart > this.historySize) {
      this.historyStart++;
      if (this.historyStart > 4096 && this.historyStart * 2 > this.history.length) {
        this.history.splice(0, this.historyStart);
        this.historyStart = 0;
      }
    }
    for (const l of this.listeners) l(ev);
  }

  private index(resource: string, key: string, obj: KObject): void {
    for (const idx of this.indexes.get(resource)?.values() ?? []) addToIndex(idx.map, idx.fn(obj), key);
  }

  private unindex(resource: string, key: string, obj: KObject): void {
    for (const idx of this.indexes.get(resource)?.values() ?? []) {
      const v = idx.fn(obj);
      if (Array.isArray(v)) for (const one of v) removeFromIndex(idx.map, one, key);
      else removeFromIndex(idx.map, v, key);
    }
  }
}

/** Index of the first key that does not start with `prefix` (keys sorted, prefix ends with '/'). */
function upperBound(keys: string[], prefix: string): number {
  const stop = prefix.slice(0, -1) + String.fromCharCode('/'.charCodeAt(0) + 1);
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid] < stop) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function addToIndex(map: Map<string, Set<string>>, value: string | string[] | undefined, key: string): void {
  if (value === undefined) return;
  if (Array.isArray(value)) {
    for (const one of value) addToIndex(map, one, key);
    return;
  }
  let set = map.get(value);
  if (!set) {
    set = new Set();
    map.set(value, set);
  }
  set.add(key);
}

function removeFromIndex(map: Map<string, Set<string>>, value: string | undefined, key: string): void {
  if (value === undefined) return;
  const set = map.get(value);
  set?.delete(key);
  if (set && set.size === 0) map.delete(value);
}

function notFound(resource: string, name: string): StoreError {
  return new StoreError('NotFound', resource, name, `${resource} "${name}" not found`);
}

export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
