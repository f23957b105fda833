/** How a file the operator named is shown (and repeated in advice): relative to the working directory when inside it, else absolute. */
import { relative, resolve } from 'node:path';

export function shownPath(path: string): string {
  const abs = resolve(path);
  const rel = relative(process.cwd(), abs);
  return rel === '' || rel.startsWith('..') ? abs : rel;
}
