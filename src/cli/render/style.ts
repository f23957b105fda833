/**
 * Minimal text styling for the renderers: ANSI colours that turn into plain text when colour is off (the
 * default, and always in CI and golden tests), and column alignment that pads before colouring.
 */

export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  cyan(s: string): string;
}

const ansi =
  (open: number, close: number) =>
  (s: string): string =>
    `\u001b[${open}m${s}\u001b[${close}m`;

const identity = (s: string): string => s;

export const makeStyle = (color: boolean): Style =>
  color
    ? {
        bold: ansi(1, 22),
        dim: ansi(2, 22),
        red: ansi(31, 39),
        yellow: ansi(33, 39),
        green: ansi(32, 39),
        cyan: ansi(36, 39),
      }
    : { bold: identity, dim: identity, red: identity, yellow: identity, green: identity, cyan: identity };

/**
 * Aligns rows into columns separated by `gap` spaces; the last column is not padded. `paint(row, column, text)`
 * may colour a padded cell (so escapes never disturb the alignment).
 */
export const columns = (
  rows: readonly (readonly string[])[],
  {
    gap = 2,
    indent = '',
    paint,
  }: { gap?: number; indent?: string; paint?: (row: number, column: number, padded: string) => string } = {},
): string[] => {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row, r) => {
    const cells = row.map((cell, c) => {
      const padded = c === row.length - 1 ? cell : cell.padEnd((widths[c] ?? 0) + gap);
      return paint ? paint(r, c, padded) : padded;
    });
    return `${indent}${cells.join('')}`.trimEnd();
  });
};

/** `a, b, c, d, e and 3 more` */
export const listSome = (items: readonly string[], max = 5): string =>
  items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
