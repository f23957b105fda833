/**
 * ConfigMaps as plain views: read one, list by label, write one whole (last writer wins), delete one. Used for the run-state
 * mirror; what goes in them is decided in src/upgrade/, not here.
 */
export interface ConfigMapInfo {
  namespace: string;
  name: string;
  resourceVersion: string;
  labels: Record<string, string>;
  data: Record<string, string>;
  /** `binaryData`, decoded from base64. */
  binaryData: Record<string, Buffer>;
}

export interface ConfigMapInput {
  namespace: string;
  name: string;
  labels?: Record<string, string>;
  data: Record<string, string>;
  binaryData?: Record<string, Buffer>;
}

export interface ConfigMapStore {
  /** `undefined` when there is no such ConfigMap. */
  getConfigMap(namespace: string, name: string): Promise<ConfigMapInfo | undefined>;
  /** The ConfigMaps of `namespace` that match `labelSelector`. */
  listConfigMaps(namespace: string, labelSelector: string): Promise<ConfigMapInfo[]>;
  /** Writes the whole ConfigMap: replaces it when it exists, creates it otherwise. */
  putConfigMap(cm: ConfigMapInput): Promise<ConfigMapInfo>;
  /** Deletes the ConfigMap; absent is fine. */
  deleteConfigMap(namespace: string, name: string): Promise<void>;
}
