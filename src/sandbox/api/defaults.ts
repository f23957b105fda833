/**
 * Defaulting and validation on create/update, the part of the apiserver's registry strategies that clients
 * notice: generated names, pod defaults, PDB field rules, names matching the URL, managedFields.
 */
import type { KObject } from '../store/types.js';
import { isoSeconds } from '../store/object-store.js';
import { invalid, badRequest } from './status.js';
import type { ResourceDef } from './resources.js';
import { validateCrd } from './custom-resources.js';

const ALPHANUM = 'bcdfghjklmnpqrstvwxz2456789';

export function randomSuffix(random: () => number, n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHANUM[Math.floor(random() * ALPHANUM.length)];
  return s;
}

const NAME_RE = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export function prepareCreate(
  def: ResourceDef,
  gv: string,
  namespace: string | undefined,
  body: KObject,
  random: () => number,
): KObject {
  if (!body || typeof body !== 'object' || !body.metadata || typeof body.metadata !== 'object') {
    if (body && typeof body === 'object' && !body.metadata) body.metadata = {} as KObject['metadata'];
    else throw badRequest('the body of the request was not a JSON object');
  }
  const meta = body.metadata;
  if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${randomSuffix(random)}`;
  if (!meta.name)
    throw invalid(
      def.kind,
      '',
      [
        {
          reason: 'FieldValueRequired',
          message: 'Required value: name or generateName is required',
          field: 'metadata.name',
        },
      ],
      def.group,
    );
  if (!NAME_RE.test(meta.name) || meta.name.length > 253) {
    throw invalid(
      def.kind,
      meta.name,
      [
        {
          reason: 'FieldValueInvalid',
          message: `Invalid value: "${meta.name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'`,
          field: 'metadata.name',
        },
      ],
      def.group,
    );
  }
  if (def.namespaced) {
    if (meta.namespace && meta.namespace !== namespace)
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    meta.namespace = namespace;
  } else delete meta.namespace;
  const loose = meta as Partial<typeof meta>;
  delete loose.resourceVersion;
  delete loose.uid;
  delete loose.deletionTimestamp;
  delete loose.creationTimestamp;
  body.apiVersion = gv;
  body.kind = def.kind;
  validate(def, body);
  if (def.kind === 'Pod') defaultPod(body);
  return body;
}

export function validate(def: ResourceDef, obj: KObject): void {
  if (def.kind === 'CustomResourceDefinition' && def.group === 'apiextensions.k8s.io') validateCrd(obj);
  if (def.kind === 'PodDisruptionBudget') {
    const s = obj.spec ?? {};
    if (s.minAvailable !== undefined && s.maxUnavailable !== undefined) {
      throw invalid(
        def.kind,
        obj.metadata.name,
        [
          {
            reason: 'FieldValueInvalid',
            message: 'Invalid value: minAvailable and maxUnavailable cannot be both set',
            field: 'spec',
          },
        ],
        'policy',
      );
    }
    for (const f of ['minAvailable', 'maxUnavailable'] as const) {
      const v = s[f];
      if (typeof v === 'string' && !/^\d+%$/.test(v)) {
        throw invalid(
          def.kind,
          obj.metadata.name,
          [
            {
              reason: 'FieldValueInvalid',
              message: `Invalid value: "${v}": must be an integer or percentage (e.g '5%')`,
              field: `spec.${f}`,
            },
          ],
          'policy',
        );
      }
    }
  }
  if (def.kind === 'Pod' && !Array.isArray(obj.spec?.containers)) {
    throw invalid('Pod', obj.metadata.name, [
      { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers' },
    ]);
  }
}

function defaultPod(pod: KObject): void {
  pod.spec.terminationGracePeriodSeconds ??= 30;
  pod.spec.restartPolicy ??= 'Always';
  pod.spec.dnsPolicy ??= 'ClusterFirst';
  pod.spec.schedulerName ??= 'default-scheduler';
  pod.spec.tolerations ??= [];
  for (const c of pod.spec.containers) c.imagePullPolicy ??= 'IfNotPresent';
  pod.status = { phase: 'Pending', qosClass: 'Burstable' };
}

/** Records who wrote through which group-version, as server-side field management does (no field sets). */
export function recordManager(
  obj: KObject,
  manager: string,
  operation: 'Update' | 'Apply',
  gv: string,
  subresource?: string,
): void {
  const entries = (obj.metadata.managedFields ?? []) as Record<string, unknown>[];
  const entry: Record<string, unknown> = {
    manager,
    operation,
    apiVersion: gv,
    time: isoSeconds(new Date()),
    fieldsType: 'FieldsV1',
    fieldsV1: {},
  };
  if (subresource) entry.subresource = subresource;
  const i = entries.findIndex(
    (e) => e.manager === manager && e.operation === operation && (e.subresource ?? '') === (subresource ?? ''),
  );
  if (i >= 0) entries[i] = entry;
  else entries.push(entry);
  obj.metadata.managedFields = entries;
}

/** The manager name the apiserver derives from `fieldManager=` or the User-Agent's program name. */
export function managerName(fieldManager: string | null, userAgent: string | undefined): string {
  if (fieldManager) return fieldManager;
  const ua = (userAgent ?? 'unknown').split('/')[0];
  return ua || 'unknown';
}
