/**
 * Reads the Eviction API's answer (kubernetes-facts §5) into an EvictionOutcome: 429 is a PDB refusal (the
 * budget's name is parsed from the DisruptionBudget cause), 500 "more than one PodDisruptionBudget" and 403
 * NamespaceTerminating are outcomes too; anything else is left to the caller to throw. A 429 without a
 * DisruptionBudget cause is not a budget's answer but the apiserver's overload protection (API Priority and
 * Fairness, max-requests-inflight): it is thrown like a 503, as a TransientApiError, and retried by the drain.
 */
import { ApiException } from '@kubernetes/client-node';
import type { EvictionOutcome } from '../eviction-types.js';
import type { StatusCause } from '../errors.js';

interface StatusBody {
  message?: string;
  reason?: string;
  details?: { causes?: StatusCause[]; retryAfterSeconds?: number };
}

function statusBody(e: ApiException<unknown>): StatusBody {
  try {
    return (typeof e.body === 'string' ? JSON.parse(e.body) : (e.body ?? {})) as StatusBody;
  } catch {
    return { message: String(e.body) };
  }
}

const PDB_CAUSE = /^The disruption budget (\S+) /;

/** The outcome for a failed eviction request, or `undefined` when it is a real error. */
export function evictionOutcomeOf(e: unknown): EvictionOutcome | undefined {
  if (!(e instanceof ApiException)) return undefined;
  const body = statusBody(e);
  const causes = body.details?.causes ?? [];
  if (e.code === 404) return { result: 'not-found' };
  // A UID precondition that failed: the pod that had this name is gone (a newer one took it).
  if (e.code === 409 && /precondition/i.test(body.message ?? '')) return { result: 'not-found' };
  const cause = causes.find((c) => c.reason === 'DisruptionBudget');
  if (e.code === 429 && cause) {
    const pdb = cause.message ? PDB_CAUSE.exec(cause.message)?.[1] : undefined;
    const retryAfterSeconds = body.details?.retryAfterSeconds;
    return {
      result: 'blocked',
      message: cause.message ?? body.message ?? 'Too many requests',
      ...(pdb ? { pdb } : {}),
      ...(retryAfterSeconds ? { retryAfterSeconds } : {}),
    };
  }
  if (e.code === 500 && /more than one PodDisruptionBudget/i.test(body.message ?? ''))
    return { result: 'multiple-pdbs', message: body.message ?? '' };
  if (e.code === 403 && causes.some((c) => c.reason === 'NamespaceTerminating'))
    return { result: 'terminating', message: body.message ?? '' };
  return undefined;
}
