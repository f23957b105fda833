/** Small builders shared by the checks: findings, object references, counted nouns. */
import type { PodInfo } from '../cluster/index.js';
import type { Finding, FindingObject, Severity } from '../plan/index.js';

export const finding = (
  id: string,
  severity: Severity,
  message: string,
  objects: FindingObject[],
  remediation: string,
): Finding => ({
  id,
  severity,
  message,
  objects,
  remediation,
  waived: false,
});

export const obj = (kind: string, name: string, namespace?: string, detail?: string): FindingObject => ({
  kind,
  name,
  ...(namespace ? { namespace } : {}),
  ...(detail ? { detail } : {}),
});

export const podObj = (p: PodInfo, detail?: string): FindingObject => obj('Pod', p.name, p.namespace, detail);

/** "1 pod", "3 pods". */
export const count = (n: number, noun: string, plural = `${noun}s`): string => `${n} ${n === 1 ? noun : plural}`;

/** `ns/name` */
export const nsName = (x: { namespace?: string; name: string }): string =>
  x.namespace ? `${x.namespace}/${x.name}` : x.name;

/** At most `max` names, then "and N more". */
export const listNames = (names: readonly string[], max = 5): string =>
  names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
