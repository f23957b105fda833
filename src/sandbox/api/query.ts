/**
 * Query parameters read the way kube-apiserver reads them. Booleans (`watch`, `allowWatchBookmarks`,
 * `sendInitialEvents`, …) go through apimachinery's `Convert_Slice_string_To_bool`, which the parameter codec
 * uses for ListOptions: an absent parameter, `0` and `false` in any case are false; every other value —
 * `true`, `True`, `1`, `t`, even an empty string — is true. (It is not Go's strconv.ParseBool: no value is
 * rejected, `watch=yes` is a watch.) One parser for every boolean the sandbox reads.
 */

/** The boolean value of query parameter `name` (its first occurrence), as kube-apiserver decodes it. */
export function queryBool(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  if (v === null) return false;
  return v !== '0' && v.toLowerCase() !== 'false';
}

/** Like `queryBool`, but undefined when the parameter is absent (apimachinery's `*bool` fields, e.g. sendInitialEvents). */
export function queryOptionalBool(q: URLSearchParams, name: string): boolean | undefined {
  return q.has(name) ? queryBool(q, name) : undefined;
}

/** Whether a raw request URL asks for a watch, without a full parse unless it mentions `watch=`. */
export function isWatchUrl(url: string): boolean {
  const i = url.indexOf('?');
  if (i < 0 || !url.includes('watch=', i)) return false;
  return queryBool(new URLSearchParams(url.slice(i + 1)), 'watch');
}
