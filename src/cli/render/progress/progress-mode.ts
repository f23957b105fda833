/**
 * Which progress renderer `apply` uses: `--progress auto` picks the live tree only on an interactive
 * terminal (stdout is a TTY, not in CI, TERM is not `dumb`); plain lines otherwise. It reads only what it is
 * given, never `process` itself.
 */

export type ProgressMode = 'tty' | 'plain' | 'json';
export type ProgressFlag = 'auto' | 'plain' | 'json';

/** `CI` counts as set unless it is empty, `0` or `false` (CI=true, CI=1 and CI=woodpecker all mean CI). */
const isCi = (value: string | undefined): boolean =>
  value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';

export const progressMode = (
  flag: ProgressFlag,
  isTTY: boolean,
  env: Readonly<Record<string, string | undefined>>,
): ProgressMode => {
  if (flag !== 'auto') return flag;
  return isTTY && !isCi(env.CI) && env.TERM !== 'dumb' ? 'tty' : 'plain';
};
