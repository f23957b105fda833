/**
 * Owner references (`metadata.ownerReferences`): the controller reference — the one owner with
 * `controller: true`, which is the object that manages (and recreates) the owned one — and the top owner
 * people name for a pod: a ReplicaSet that a Deployment controls stands for that Deployment.
 */

/** An owner reference, structurally: client-node's `V1OwnerReference` fits it. */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
}

/** A controller reference without the flag: who manages an object. */
export type ControllerRef = Pick<OwnerReference, 'apiVersion' | 'kind' | 'name' | 'uid'>;

/** The controller reference (`metav1.GetControllerOf`), without the `controller` flag; undefined when none. */
export function controllerOf(refs: readonly OwnerReference[] | null | undefined): ControllerRef | undefined {
  const c = refs?.find((r) => r.controller === true);
  return c && { kind: c.kind, name: c.name, uid: c.uid, apiVersion: c.apiVersion };
}

/** A workload controller as the top-owner lookup needs it: its kind and, for a ReplicaSet, its own controller. */
export interface OwnedController {
  kind: string;
  owner?: Pick<OwnerReference, 'kind' | 'name' | 'uid'>;
}

/** The Deployment that controls a ReplicaSet, when it is one; undefined for every other controller. */
export function deploymentOf<O extends Pick<OwnerReference, 'kind'>>(w: { kind: string; owner?: O }): O | undefined {
  return w.kind === 'ReplicaSet' && w.owner?.kind === 'Deployment' ? w.owner : undefined;
}

/** The workload a pod belongs to for people, by kind, namespace and name. `replicas` when the workload is known. */
export interface TopOwner {
  kind: string;
  namespace: string;
  name: string;
  replicas?: number;
}

/**
 * A pod's top owner: its controller, or the Deployment when the controller is a ReplicaSet that a Deployment
 * controls. `lookup` finds a workload by kind, namespace and name (undefined when not known: the answer then
 * names the controller from the reference alone, without replicas). Undefined for a pod without a controller.
 */
export function topOwnerOf<W extends OwnedController & { replicas: number }>(
  pod: { namespace: string; controller?: Pick<OwnerReference, 'kind' | 'name'> },
  lookup: (kind: string, namespace: string, name: string) => W | undefined,
): TopOwner | undefined {
  const c = pod.controller;
  if (!c) return undefined;
  const w = lookup(c.kind, pod.namespace, c.name);
  const deployment = w && deploymentOf(w);
  if (deployment) {
    const d = lookup('Deployment', pod.namespace, deployment.name);
    const replicas = d ? { replicas: d.replicas } : {};
    return { kind: 'Deployment', namespace: pod.namespace, name: deployment.name, ...replicas };
  }
  return { kind: c.kind, namespace: pod.namespace, name: c.name, ...(w ? { replicas: w.replicas } : {}) };
}
