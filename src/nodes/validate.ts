/**
 * Checks on the values that end up in a remote command string or an ssh argument: a Kubernetes version, a node
 * name, an ssh address, user or jump host. Values that pass are still quoted; these checks refuse what a plan
 * or a cluster should never contain, so a bad value is reported before anything runs.
 */

const VERSION = /^v(\d+)\.(\d+)\.(\d+)$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** A hostname, an IPv4 or an IPv6 address (no leading `-`, so it can never be read as an ssh option). */
const ADDRESS = /^[A-Za-z0-9_.:[\]%]([A-Za-z0-9_.:[\]%-]*)$/;
const USER = /^[A-Za-z_][A-Za-z0-9_.-]*\$?$/;
/** `[user@]host[:port]`, comma-separated for several hops. */
const JUMP_HOST =
  /^([A-Za-z_][A-Za-z0-9_.-]*@)?[A-Za-z0-9_.:[\]%][A-Za-z0-9_.:[\]%-]*(,([A-Za-z_][A-Za-z0-9_.-]*@)?[A-Za-z0-9_.:[\]%][A-Za-z0-9_.:[\]%-]*)*$/;

export const isKubernetesVersion = (v: string): boolean => VERSION.test(v);

/** `v1.32.0` → `1.32.0` (the package version prefix). */
export const packageVersion = (v: string): string => {
  const m = VERSION.exec(v);
  if (!m) throw new TypeError(`not a Kubernetes version: ${JSON.stringify(v)}`);
  return `${m[1]}.${m[2]}.${m[3]}`;
};

export const isNodeName = (n: string): boolean => n.length <= 253 && DNS1123_SUBDOMAIN.test(n);
export const isSshAddress = (a: string): boolean => a.length <= 255 && ADDRESS.test(a);
export const isSshUser = (u: string): boolean => u.length <= 64 && USER.test(u);
export const isJumpHost = (j: string): boolean => j.length <= 1024 && JUMP_HOST.test(j);
