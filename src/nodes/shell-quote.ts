/**
 * POSIX shell quoting, the product's one implementation: for the one place a command string cannot be avoided,
 * the remote side of `ssh` (which always hands its command to the login shell), and for the commands the CLI
 * prints for people to paste. Every word is quoted so the shell sees it literally. Nothing here runs a shell,
 * and this module imports nothing (the CLI imports it directly, not through nodes/index.js, which loads execa).
 */

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes one word for a POSIX shell: plain words stay as they are, anything else is single-quoted. */
export const shellQuote = (word: string): string => {
  if (word.includes('\0')) throw new TypeError('a shell word cannot contain a NUL byte');
  if (word === '') return "''";
  if (SAFE.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
};

/** Quotes every word and joins them with spaces: one POSIX command line that runs exactly `words`. */
export const shellJoin = (words: readonly string[]): string => words.map(shellQuote).join(' ');
