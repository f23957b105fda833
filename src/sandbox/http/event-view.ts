/**
 * How the resource handler serves a resource that is a view of another's storage: events.k8s.io events are
 * core events converted on the way out (objects, list items, watch events) and on the way in (create and
 * update bodies, patches, field selectors). Resources without a view are served as stored.
 */
import { eventsFieldSelector, fromEventsApi, toEventsApi } from '../api/event-versions.js';
import { groupVersion, type ResourceDef } from '../api/resources.js';
import type { KObject } from '../store/types.js';

export interface ObjectView {
  /** The stored object as this group-version shows it. */
  out(o: KObject): KObject;
  /** A body in this group-version's shape as the store keeps it. */
  in(o: KObject): KObject;
  /** A field selector in this group-version's field names, in the stored object's. */
  fieldSelector(s: string | undefined): string | undefined;
  /** The group-version the stored objects carry. */
  storedGv: string;
}

export function viewFor(def: ResourceDef, group: string, version: string): ObjectView | undefined {
  if (group !== 'events.k8s.io' || def.plural !== 'events') return undefined;
  const gv = groupVersion(group, version);
  return { out: (o) => toEventsApi(o, gv), in: fromEventsApi, fieldSelector: eventsFieldSelector, storedGv: 'v1' };
}
