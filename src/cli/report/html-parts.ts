/** Small builders for the report page's markup: escaped cells and tables, so the sections read as data. */
import { escapeHtml as esc } from './escape.js';

/** A table cell: `html` is already markup (use `cell` for text). */
export interface Cell {
  html: string;
  cls?: string;
}

/** A text cell, escaped. */
export const cell = (text: string | number, cls?: string): Cell => ({
  html: esc(String(text)),
  ...(cls ? { cls } : {}),
});

/** A column heading; `num` right-aligns the column. */
export interface Column {
  title: string;
  num?: boolean;
}

export function table(
  columns: readonly Column[],
  rows: readonly Cell[][],
  rowClass: (i: number) => string = () => '',
): string {
  const th = columns.map((c) => `<th${c.num ? ' class="num"' : ''}>${esc(c.title)}</th>`).join('');
  const tr = rows.map((row, i) => {
    const cls = rowClass(i);
    const tds = row.map((c, j) => {
      const classes = [columns[j]?.num ? 'num' : '', c.cls ?? ''].filter(Boolean).join(' ');
      return `<td${classes ? ` class="${classes}"` : ''}>${c.html}</td>`;
    });
    return `<tr${cls ? ` class="${esc(cls)}"` : ''}>${tds.join('')}</tr>`;
  });
  return `<table><thead><tr>${th}</tr></thead><tbody>${tr.join('')}</tbody></table>`;
}

export const cols = (...titles: string[]): Column[] =>
  titles.map((t) => (t.startsWith('#') ? { title: t.slice(1), num: true } : { title: t }));
