/**
 * Fast deep copy and comparison of stored objects (plain JSON-like data: objects, arrays, primitives). Much
 * cheaper than `structuredClone` and `JSON.stringify` for the controllers' read-modify-write loop; anything
 * that is not a plain object or array (a Date, a Map …) falls back to `structuredClone` / `JSON.stringify`.
 * `draftOf`/`settle` give a read-modify-write draft whose top-level fields are copied only when touched.
 */

function isPlain(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A deep copy of `v` (own enumerable keys, in order). Objects referenced twice are copied twice. */
export function cloneJson<T>(v: T): T {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) {
    const out = new Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = cloneJson(v[i]);
    return out as T;
  }
  if (!isPlain(v)) return structuredClone(v);
  const src = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(src)) setOwn(out, k, cloneJson(src[k]));
  return out as T;
}

function setOwn(o: Record<string, unknown>, k: string, value: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value, enumerable: true, writable: true, configurable: true });
  else o[k] = value;
}

/**
 * A draft of `obj` to change: `eager` is deep-copied now, every other top-level object field on first read
 * (assigning or deleting it copies nothing). Hand it to `settle` when done.
 */
export function draftOf<T extends object>(obj: T, eager: string): T {
  const src = obj as Record<string, unknown>;
  const draft: Record<string, unknown> = {};
  for (const k of Object.keys(src)) {
    const v = src[k];
    if (k === eager || typeof v !== 'object' || v === null) {
      setOwn(draft, k, k === eager ? cloneJson(v) : v);
      continue;
    }
    const own = (value: unknown) =>
      Object.defineProperty(draft, k, { value, enumerable: true, writable: true, configurable: true });
    Object.defineProperty(draft, k, {
      enumerable: true,
      configurable: true,
      get: () => {
        const copy = cloneJson(v);
        own(copy);
        return copy;
      },
      set: own,
    });
  }
  return draft as T;
}

/**
 * The object a `draftOf(orig, eager)` stands for, as a new plain object: fields never touched, and fields
 * whose copies are still the same tree, are `orig`'s own objects (shared, not copied) — except `eager`, which
 * stays the draft's copy (the caller may go on changing it).
 */
export function settle<T extends object>(draft: T, orig: T, eager: string): T {
  const d = draft as Record<string, unknown>;
  const o = orig as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(d)) {
    const desc = Object.getOwnPropertyDescriptor(d, k)!;
    const v = desc.get ? o[k] : desc.value;
    setOwn(out, k, k !== eager && v !== o[k] && sameTree(v, o[k]) ? o[k] : v);
  }
  return out as T;
}

/**
 * Whether `a` and `b` are the same tree: plain objects with the same keys in the same order, arrays of the
 * same length, identical primitives. Such values serialise identically and differ only in identity. False
 * for anything else that is not identical (so a false answer does not prove the JSON differs).
 */
export function sameTree(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const arr = Array.isArray(a);
  if (arr !== Array.isArray(b)) return false;
  if (arr) {
    const x = a as unknown[];
    const y = b as unknown[];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!sameTree(x[i], y[i])) return false;
    return true;
  }
  if (!isPlain(a) || !isPlain(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const kx = Object.keys(x);
  const ky = Object.keys(y);
  if (kx.length !== ky.length) return false;
  for (let i = 0; i < kx.length; i++) if (kx[i] !== ky[i] || !sameTree(x[kx[i]], y[kx[i]])) return false;
  return true;
}

/** `JSON.stringify(a) === JSON.stringify(b)`, without serialising when the trees are the same. */
export function sameJson(a: unknown, b: unknown): boolean {
  return sameTree(a, b) || JSON.stringify(a) === JSON.stringify(b);
}
