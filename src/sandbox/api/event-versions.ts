/**
 * `events.k8s.io` events are the core `v1` events in another shape (one storage, like the apiserver's): this
 * module converts between them — `involvedObject` ↔ `regarding`, `message` ↔ `note`, `reportingComponent` ↔
 * `reportingController`, `source`/`firstTimestamp`/`lastTimestamp`/`count` ↔ their `deprecated…` fields — and
 * translates field selectors written against the events.k8s.io names.
 */
import type { KObject } from '../store/types.js';

/** core field → events.k8s.io field. */
const RENAMES: [string, string][] = [
  ['involvedObject', 'regarding'],
  ['message', 'note'],
  ['reportingComponent', 'reportingController'],
  ['source', 'deprecatedSource'],
  ['firstTimestamp', 'deprecatedFirstTimestamp'],
  ['lastTimestamp', 'deprecatedLastTimestamp'],
  ['count', 'deprecatedCount'],
];

function rename(obj: KObject, pairs: [string, string][], apiVersion: string): KObject {
  const out: KObject = { ...obj, apiVersion };
  for (const [from, to] of pairs) {
    if (!(from in obj)) continue;
    const v = obj[from];
    delete out[from];
    if (v !== undefined) out[to] = v;
  }
  return out;
}

/** A stored (core) event as an events.k8s.io object of `apiVersion`. */
export function toEventsApi(core: KObject, apiVersion: string): KObject {
  return rename(core, RENAMES, apiVersion);
}

/** An events.k8s.io body as the core event the store keeps. */
export function fromEventsApi(body: KObject): KObject {
  if (!body || typeof body !== 'object') return body;
  return rename(
    body,
    RENAMES.map(([a, b]) => [b, a]),
    'v1',
  );
}

/** `regarding.name=x,note=y` → `involvedObject.name=x,message=y`. */
export function eventsFieldSelector(sel: string | undefined): string | undefined {
  if (!sel) return sel;
  return sel
    .split(',')
    .map((part) => {
      for (const [core, v1] of RENAMES) {
        if (part === v1 || part.startsWith(`${v1}.`) || part.startsWith(`${v1}=`) || part.startsWith(`${v1}!`))
          return core + part.slice(v1.length);
      }
      return part;
    })
    .join(',');
}
