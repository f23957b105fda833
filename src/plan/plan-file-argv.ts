/**
 * argv templates of the `exec` node driver: an array of strings run without a shell, in which `{node}`,
 * `{address}`, `{version}`, `{role}` and `{first}` are replaced per node. Only these placeholders exist; any
 * other `{word}` is refused when the plan is made or read, so a typo never reaches a node. Braces that do not
 * enclose a word (`{}`, `{"a":1}`) are literal text.
 */

export const ARGV_PLACEHOLDERS = ['node', 'address', 'version', 'role', 'first'] as const;
export type ArgvPlaceholder = (typeof ARGV_PLACEHOLDERS)[number];
/** The placeholders of the `restoreEtcd` template. */
export const RESTORE_PLACEHOLDERS = ['node', 'address', 'snapshot'] as const;

/** The values for one node: `role` is `control-plane` or `worker`; `first` is true on a hop's first control-plane node. */
export interface ArgvValues {
  readonly node: string;
  readonly address: string;
  readonly version: string;
  readonly role: 'control-plane' | 'worker';
  readonly first: boolean;
  /** Only in `restoreEtcd` templates: the local path of the snapshot. */
  readonly snapshot?: string;
}

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_-]*)\}/g;
const KNOWN: ReadonlySet<string> = new Set([...ARGV_PLACEHOLDERS, 'snapshot']);

/** Problems of an argv template as `[index, message]` pairs (index -1 for the whole array); empty when valid. */
export const argvTemplateProblems = (
  argv: readonly string[],
  allowed: readonly string[] = ARGV_PLACEHOLDERS,
): [number, string][] => {
  const problems: [number, string][] = [];
  const known = new Set(allowed);
  if (argv.length === 0)
    problems.push([-1, 'expected a non-empty argv array, e.g. ["my-upgrade", "{node}", "{version}"]']);
  argv.forEach((arg, i) => {
    for (const m of arg.matchAll(PLACEHOLDER)) {
      if (!known.has(m[1] ?? '')) {
        problems.push([
          i,
          `unknown placeholder {${m[1]}}; the placeholders are ${allowed.map((p) => `{${p}}`).join(' ')}`,
        ]);
      }
    }
  });
  const program = argv[0];
  if (program !== undefined) {
    if (program.trim() === '') problems.push([0, 'the program (argv[0]) must not be empty']);
    else if (argv.length === 1 && /\s/.test(program.trim())) {
      problems.push([
        0,
        'looks like a shell command line; give an argv array with one element per argument (no shell is used)',
      ]);
    } else if (program.match(PLACEHOLDER))
      problems.push([0, 'the program (argv[0]) must be literal, not a placeholder']);
  }
  return problems;
};

/** Replaces the placeholders of a (valid) template for one node. */
export const expandArgvTemplate = (argv: readonly string[], values: ArgvValues): string[] =>
  argv.map((arg) =>
    arg.replace(PLACEHOLDER, (whole, name: string) => {
      if (!KNOWN.has(name)) return whole;
      const v = values[name as ArgvPlaceholder | 'snapshot'];
      return typeof v === 'boolean' ? String(v) : (v ?? '');
    }),
  );
