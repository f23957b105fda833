/** The OpenAPI schema object as the Kubernetes documents use it (swagger 2.0 and OpenAPI 3.0 alike). */
export interface Schema {
  description?: string;
  type?: string;
  format?: string;
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  $ref?: string;
  allOf?: Schema[];
  default?: unknown;
  enum?: unknown[];
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[];
  [extension: `x-${string}`]: unknown;
}
