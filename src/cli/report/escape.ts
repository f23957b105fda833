/**
 * Escaping for the report's documents. Every string that comes from the cluster or the run (node, pod and PDB
 * names, messages, paths) goes through these before it is put in HTML, SVG, XML or a Markdown table, so a
 * name can never inject markup.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text and attribute values in HTML and inline SVG. */
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ENTITIES[c]!);

/**
 * Text and attribute values in XML 1.0: the five entities, and the control characters XML cannot hold at all
 * (a driver's output may carry them) replaced by U+FFFD.
 */
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

export const escapeXml = (s: string): string =>
  s.replace(NOT_XML, '\ufffd').replace(/[&<>"']/g, (c) => (c === "'" ? '&apos;' : ENTITIES[c]!));

/** A Markdown table cell: one line, no column breaks, no HTML (GitHub renders inline HTML in summaries). */
export const escapeMarkdownCell = (s: string): string =>
  s
    .replace(/\r?\n/g, ' ')
    .replace(/[&<>]/g, (c) => ENTITIES[c]!)
    .replace(/([\\|`*_[\]])/g, '\\$1');
