/**
 * The sandbox's OpenAPI: `/openapi/v2` (JSON, or gnostic protobuf — what kubectl downloads for validation and
 * explain) and `/openapi/v3` (index + one document per served group-version), for exactly the kinds served at the
 * cluster's current minor plus those CRDs registered, built from the upstream Kubernetes definitions; and the
 * schema lookup the API verbs use for `fieldValidation` (unknown fields rejected, warned about or dropped).
 *
 * Must not: run on the read path (lists and watches never touch it); documents are built on first request and
 * rebuilt only when the minor or the set of CRDs changes.
 */
import type { SandboxCluster } from '../cluster.js';
import { RESOURCES, storageKey, type ResourceDef } from '../api/resources.js';
import { buildCatalog, type Catalog, type ServedKind } from './catalog.js';
import { buildDocuments, type Documents } from './documents.js';
import { encodeOpenApiV2 } from './v2-protobuf.js';
import type { Schema } from './schema.js';

export { OPENAPI_V2_PROTOBUF } from './v2-protobuf.js';
export { unknownFields, fieldValidationOf, strictDecodingError, type FieldValidation } from './field-validation.js';
export type { Schema } from './schema.js';

interface Built {
  key: string;
  catalog: Catalog;
  byResource: Map<string, ServedKind>;
  docs?: Documents;
  v2Protobuf?: Buffer;
}

export class OpenApi {
  private built?: Built;

  constructor(private readonly cluster: SandboxCluster) {}

  /** Built-in and custom resources, as served now. */
  resources(): readonly ResourceDef[] {
    const custom = this.cluster.customResources.list();
    return custom.length ? [...RESOURCES, ...custom] : RESOURCES;
  }

  private current(): Built {
    const minor = this.cluster.apiserverMinor();
    const key = `${this.cluster.apiserverVersion()}/${this.cluster.customResources.generation}`;
    if (this.built?.key === key) return this.built;
    const catalog = buildCatalog(this.resources(), minor);
    const byResource = new Map(catalog.kinds.map((k) => [`${storageKey(k.def)}@${k.version}`, k]));
    this.built = { key, catalog, byResource };
    return this.built;
  }

  documents(): Documents {
    const b = this.current();
    b.docs ??= buildDocuments(b.catalog, this.cluster.apiserverVersion());
    return b.docs;
  }

  v2Protobuf(): Buffer {
    const b = this.current();
    b.v2Protobuf ??= encodeOpenApiV2(this.documents().v2);
    return b.v2Protobuf;
  }

  /** The schema of a resource at a served version (and the definitions its `$ref`s name), or undefined. */
  schemaOf(def: ResourceDef, version: string): { root: Schema; definitions: Record<string, Schema> } | undefined {
    const b = this.current();
    const k = b.byResource.get(`${storageKey(def)}@${version}`);
    if (!k) return undefined;
    return { root: b.catalog.definitions[k.definition], definitions: b.catalog.definitions };
  }
}
