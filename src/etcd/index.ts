/**
 * etcd snapshots for the upgrade and its rollback (kubernetes-facts §8): find the tools (etcdctl; etcdutl on
 * 3.5+), check member health, take ONE verified snapshot from a healthy member and keep the operator's copy
 * with its sha256, verify a file before a restore, and restore members (multi-member flags) into new data dirs.
 * Commands run through a `CommandRunner`: `localRunner()` here, or the ssh runner from src/nodes/ that the
 * executor wires in.
 *
 * This module must not: run anything through a shell, import src/nodes/ (the executor joins them), talk to
 * the Kubernetes API, print, overwrite a snapshot or existing etcd data, or put credentials in messages or
 * records (certificates and keys are paths; no passwords are ever passed).
 */
export * from './types.js';
export { EtcdError, SnapshotVerificationError, type EtcdErrorCode, type VerificationFailure } from './errors.js';
export { localRunner } from './local-runner.js';
export { detectTools, type DetectToolsOptions } from './detect-tools.js';
export { endpointHealth, type EndpointHealth, type EndpointHealthOptions } from './health.js';
export { saveSnapshot, type SaveSnapshotOptions } from './save.js';
export { verifySnapshot, snapshotStatus, type VerifiedSnapshot, type VerifyOptions } from './verify.js';
export { restoreSnapshot, type RestoreOptions, type RestoreResult } from './restore.js';
export {
  restoreArgv,
  snapshotSaveArgv,
  snapshotStatusArgv,
  endpointHealthArgv,
  tlsFlags,
  offlineTool,
  ETCDCTL_ENV,
} from './argv.js';
export { parseSnapshotStatus, parseEndpointHealth, parseToolVersion } from './parse.js';
export { sha256File, checkEmbeddedHash } from './integrity.js';
