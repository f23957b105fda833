/**
 * The `rbac` use case: the minimal roles and bindings for the identity that runs k8s-upgrade, built from the
 * access lists the permission check uses. Pure data; it reads no cluster and never prints.
 */
export {
  rbacManifests,
  rulesAllow,
  toRules,
  RBAC_NAMESPACE,
  type PolicyRule,
  type RbacDocument,
  type RbacRequest,
  type RbacSubject,
} from './rbac-manifests.js';
