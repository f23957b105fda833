/**
 * Deterministic identifiers for built objects: a seed reproduces the same node machine IDs and the same
 * `kube-system` namespace uid (the cluster identity plans are bound to).
 */

/** A version-4-shaped UUID drawn from a seeded generator. */
export function seededUuid(random: () => number): string {
  let hex = '';
  for (let i = 0; i < 32; i++) hex += Math.floor(random() * 16).toString(16);
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
