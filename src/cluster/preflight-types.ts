/**
 * Views for the reads preflight makes besides the inventory: access reviews, the field-management metadata
 * of stored objects (to see which group-version wrote them), and secrets (Helm release records). Plain data,
 * like types.ts; the adapter fills them in.
 */

/** What a SelfSubjectAccessReview asks: may the current user do `verb` on `group`/`resource`[/`subresource`]? */
export interface AccessCheck {
  verb: string;
  /** API group, `''` for the core group. */
  group: string;
  resource: string;
  subresource?: string;
  /** Absent: every namespace (or a cluster-scoped resource). */
  namespace?: string;
  name?: string;
}

export interface AccessAnswer {
  allowed: boolean;
  /** The authorizer's explanation, when it gave one. */
  reason?: string;
}

/** One `metadata.managedFields` entry, reduced to who wrote through which group-version. */
export interface ManagedFieldsEntry {
  manager: string;
  operation: string;
  apiVersion: string;
  subresource?: string;
}

/** The identity and write history of a stored object. */
export interface ObjectMetaInfo {
  namespace?: string;
  name: string;
  managedFields: ManagedFieldsEntry[];
  /** `apiVersion` of the `kubectl.kubernetes.io/last-applied-configuration` annotation, when it has one. */
  lastAppliedApiVersion?: string;
}

export interface SecretInfo {
  namespace: string;
  name: string;
  type: string;
  labels: Record<string, string>;
  /** Values as served: base64. */
  data: Record<string, string>;
}

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

interface RawMeta {
  namespace?: string;
  name?: string;
  annotations?: Record<string, string>;
  managedFields?: { manager?: string; operation?: string; apiVersion?: string; subresource?: string }[];
}

/** Reduces one item of a raw JSON list to an {@link ObjectMetaInfo}; the rest of the object is dropped. */
export function toObjectMetaInfo(item: { metadata?: RawMeta }): ObjectMetaInfo {
  const m = item.metadata ?? {};
  const out: ObjectMetaInfo = {
    name: m.name ?? '',
    managedFields: (m.managedFields ?? []).map((f) => ({
      manager: f.manager ?? '',
      operation: f.operation ?? '',
      apiVersion: f.apiVersion ?? '',
      ...(f.subresource ? { subresource: f.subresource } : {}),
    })),
  };
  if (m.namespace) out.namespace = m.namespace;
  const applied = m.annotations?.[LAST_APPLIED_ANNOTATION];
  if (applied) {
    try {
      const v = (JSON.parse(applied) as { apiVersion?: unknown }).apiVersion;
      if (typeof v === 'string') out.lastAppliedApiVersion = v;
    } catch {
      // An unreadable annotation says nothing about the API it was applied through.
    }
  }
  return out;
}
