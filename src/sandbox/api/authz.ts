/**
 * The sandbox's two identities: the admin token (everything allowed) and a read-only token (get, list,
 * watch only), so clients can be tested against permission errors. Also SelfSubjectAccessReview.
 */
import { ApiError } from './status.js';

export type User = 'admin' | 'readonly';
export const USER_NAMES: Record<User, string> = { admin: 'sandbox-admin', readonly: 'sandbox-readonly' };
export const READ_VERBS = ['get', 'list', 'watch'];

export function allowed(user: User, verb: string): boolean {
  return user === 'admin' || READ_VERBS.includes(verb);
}

export function authorize(
  user: User,
  verb: string,
  group: string,
  resource: string,
  namespace: string | undefined,
  name?: string,
): void {
  if (allowed(user, verb)) return;
  const scope = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
  const what = name ? `${resource.split('/')[0]} "${name}"` : resource.split('/')[0];
  throw new ApiError(
    403,
    'Forbidden',
    `${what} is forbidden: User "${USER_NAMES[user]}" cannot ${verb} resource "${resource}" in API group "${group}" ${scope}`,
    { ...(name ? { name } : {}), ...(group ? { group } : {}), kind: resource.split('/')[0] },
  );
}

interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

/** Answers a SelfSubjectAccessReview body (authorization.k8s.io/v1). */
export function review(
  user: User,
  body: { spec?: { resourceAttributes?: ResourceAttributes; nonResourceAttributes?: unknown } },
) {
  const attrs = body.spec?.resourceAttributes;
  const verb = attrs?.verb ?? 'get';
  const ok = allowed(user, verb);
  return {
    kind: 'SelfSubjectAccessReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec: body.spec ?? {},
    status: ok
      ? { allowed: true, reason: `sandbox: ${USER_NAMES[user]} may ${verb}` }
      : { allowed: false, reason: `sandbox: ${USER_NAMES[user]} is read-only` },
  };
}
