/**
 * The drain's words for kube/'s drain rules: what each kind of pod the rules refuse means, naming the option
 * that allows it. Which pods are evicted, deleted, left or refused is decided in kube/drain-rules.ts (the rules
 * plan's checks use too), never here.
 */
import type { UnsafeKind } from '../kube/index.js';

/** The user-facing reason for each unsafe kind, naming the option that allows it. */
export const UNSAFE_REASONS: Record<UnsafeKind, string> = {
  'daemonset-gone':
    'DaemonSet-managed pods whose DaemonSet no longer exists (allow with forceUnmanaged / --force: ' +
    'they are deleted and nothing recreates them)',
  'local-storage':
    'pods with local storage (emptyDir) (allow with deleteEmptyDirData / --delete-emptydir-data: ' +
    'the emptyDir data is lost)',
  unmanaged:
    'pods that declare no controller (allow with forceUnmanaged / --force: they are deleted, not evicted, ' +
    'and nothing recreates them)',
};
