/**
 * Locale-independent ordering for names (nodes, zones), so that plans come out identical on every machine.
 */

/** Plain code-point order of two strings; usable as an `Array.prototype.sort` callback. */
export const compareNames = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
