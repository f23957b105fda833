/**
 * Label selectors in both of Kubernetes' syntaxes, as one set of requirements with one matcher:
 * - the kubectl string syntax (`pool=blue`, `pool==blue`, `pool!=blue`, `tier in (a,b)`, `tier notin (a,b)`,
 *   `gpu`, `!gpu`, joined by commas meaning AND; apimachinery `labels.Parse`) — the empty string selects
 *   everything;
 * - the API's `LabelSelector` object (`matchLabels`, `matchExpressions`; `metav1.LabelSelectorAsSelector`) — a
 *   null selector selects nothing, `{}` selects everything (policy/v1 PodDisruptionBudgets), and an invalid one
 *   (unknown operator, wrong number of values, bad key or value) selects nothing, as the Eviction API treats it.
 * Matching has Kubernetes' semantics: `!=` and `notin` also match objects that lack the label. Label keys and
 * values are validated like the API server does.
 */

export const LABEL_OPERATORS = ['=', '!=', 'in', 'notin', 'exists', 'doesnotexist'] as const;
export type LabelOperator = (typeof LABEL_OPERATORS)[number];

export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  /** One value for `=`/`!=`, one or more for `in`/`notin`, none for `exists`/`doesnotexist`. */
  readonly values: readonly string[];
}

export interface LabelSelector {
  /** The text it was parsed from. */
  readonly source: string;
  readonly requirements: readonly LabelRequirement[];
}

type TokenKind = 'ident' | 'in' | 'notin' | '=' | '==' | '!=' | '!' | '(' | ')' | ',' | 'end';

interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly pos: number;
}

const SYMBOLS = ['!=', '==', '=', '!', '(', ')', ','] as const;
const UNSUPPORTED = ['>', '<'];
const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Parses a selector; throws {@link LabelSelectorError} naming the position of the first problem. */
export const parseLabelSelector = (source: string): LabelSelector => {
  const tokens = tokenize(source);
  const requirements: LabelRequirement[] = [];
  let i = 0;
  const peek = (): Token => tokens[i] ?? { kind: 'end', text: '', pos: source.length };
  const next = (): Token => {
    const t = peek();
    i += 1;
    return t;
  };
  if (peek().kind === 'end') return { source, requirements };
  for (;;) {
    requirements.push(parseRequirement(source, peek, next));
    const sep = next();
    if (sep.kind === 'end') return { source, requirements };
    if (sep.kind !== ',') fail(source, sep.pos, `expected "," or the end of the selector, found ${describe(sep)}`);
  }
};

/** A kubectl selector that does not parse; `position` is the 0-based index of the offending character. */
export class LabelSelectorError extends Error {
  override readonly name = 'LabelSelectorError';
  /** Stable, for exit codes and `--json` output. */
  readonly code = 'INVALID_SELECTOR';

  constructor(
    readonly selector: string,
    readonly position: number,
    problem: string,
  ) {
    super(
      `Invalid label selector ${JSON.stringify(selector)} at position ${position}: ${problem}.\n` +
        `  ${selector}\n  ${' '.repeat(position)}^\n` +
        'Use kubectl syntax, e.g. "pool=blue", "tier in (a,b)", "!gpu", joined by commas.',
    );
  }
}

/** Whether a node (or any object) with these labels satisfies every requirement. */
export const matchesLabels = (selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean =>
  selector.requirements.every((r) => requirementMatches(r, labels));

/** Canonical text of a selector: `pool=blue,tier in (a,b),!gpu`. */
export const formatLabelSelector = (selector: LabelSelector): string =>
  selector.requirements
    .map((r) => {
      switch (r.operator) {
        case 'exists':
          return r.key;
        case 'doesnotexist':
          return `!${r.key}`;
        case 'in':
        case 'notin':
          return `${r.key} ${r.operator} (${r.values.join(',')})`;
        default:
          return `${r.key}${r.operator}${r.values[0] ?? ''}`;
      }
    })
    .join(',');

/** The API's `LabelSelector` (`metav1.LabelSelector`), structurally: client-node's `V1LabelSelector` fits it. */
export interface LabelSelectorSpec {
  matchLabels?: Readonly<Record<string, string>>;
  matchExpressions?: readonly { key: string; operator: string; values?: readonly string[] }[];
}

const API_OPERATORS: Readonly<Record<string, LabelOperator>> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: 'doesnotexist',
};

/**
 * The API's selector as requirements (`metav1.LabelSelectorAsSelector`): `undefined` when it selects nothing —
 * a null selector, or an invalid one (an operator other than In/NotIn/Exists/DoesNotExist, In/NotIn without
 * values, Exists/DoesNotExist with values, a bad key or value). `{}` gives no requirements: everything.
 */
export function fromLabelSelectorSpec(spec: LabelSelectorSpec | null | undefined): LabelSelector | undefined {
  if (!spec) return undefined;
  const requirements: LabelRequirement[] = [];
  for (const [key, value] of Object.entries(spec.matchLabels ?? {})) {
    if (labelKeyProblem(key) || labelValueProblem(value)) return undefined;
    requirements.push({ key, operator: '=', values: [value] });
  }
  for (const e of spec.matchExpressions ?? []) {
    const known = Object.prototype.hasOwnProperty.call(API_OPERATORS, e.operator);
    const operator = known ? API_OPERATORS[e.operator] : undefined;
    const values = e.values ?? [];
    if (!operator || labelKeyProblem(e.key) || values.some((v) => labelValueProblem(v))) return undefined;
    const setOperator = operator === 'in' || operator === 'notin';
    if (setOperator ? values.length === 0 : values.length > 0) return undefined;
    requirements.push({ key: e.key, operator, values: [...values] });
  }
  return { source: formatLabelSelector({ source: '', requirements }), requirements };
}

/** Whether an API selector selects an object with these labels (null and invalid selectors select nothing). */
export function specSelects(
  spec: LabelSelectorSpec | null | undefined,
  labels: Readonly<Record<string, string>>,
): boolean {
  const selector = fromLabelSelectorSpec(spec);
  return selector !== undefined && matchesLabels(selector, labels);
}

const requirementMatches = (r: LabelRequirement, labels: Readonly<Record<string, string>>): boolean => {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = has ? labels[r.key] : undefined;
  switch (r.operator) {
    case 'exists':
      return has;
    case 'doesnotexist':
      return !has;
    case '=':
    case 'in':
      return value !== undefined && r.values.includes(value);
    case '!=':
    case 'notin':
      return value === undefined || !r.values.includes(value);
  }
};

type Reader = () => Token;

const parseRequirement = (source: string, peek: Reader, next: Reader): LabelRequirement => {
  const first = next();
  if (first.kind === '!') {
    const key = expectKey(source, next());
    return { key, operator: 'doesnotexist', values: [] };
  }
  const key = expectKey(source, first);
  const op = peek();
  if (op.kind === ',' || op.kind === 'end') return { key, operator: 'exists', values: [] };
  next();
  if (op.kind === '=' || op.kind === '==' || op.kind === '!=') {
    const value = peek().kind === 'ident' ? next() : { kind: 'ident' as const, text: '', pos: peek().pos };
    return { key, operator: op.kind === '!=' ? '!=' : '=', values: [expectValue(source, value)] };
  }
  if (op.kind === 'in' || op.kind === 'notin') {
    return { key, operator: op.kind, values: parseValueSet(source, peek, next) };
  }
  return fail(
    source,
    op.pos,
    `expected "=", "==", "!=", "in", "notin", "," or the end after key "${key}", found ${describe(op)}`,
  );
};

const parseValueSet = (source: string, peek: Reader, next: Reader): string[] => {
  const open = next();
  if (open.kind !== '(') fail(source, open.pos, `expected "(" to start the value list, found ${describe(open)}`);
  if (peek().kind === ')') fail(source, peek().pos, 'the value list of "in"/"notin" cannot be empty');
  const values: string[] = [];
  for (;;) {
    const t = peek().kind === 'ident' ? next() : { kind: 'ident' as const, text: '', pos: peek().pos };
    values.push(expectValue(source, t));
    const sep = next();
    if (sep.kind === ')') return values;
    if (sep.kind !== ',') fail(source, sep.pos, `expected "," or ")" in the value list, found ${describe(sep)}`);
  }
};

const expectKey = (source: string, t: Token): string => {
  if (t.kind !== 'ident') return fail(source, t.pos, `expected a label key, found ${describe(t)}`);
  const problem = labelKeyProblem(t.text);
  return problem ? fail(source, t.pos, problem) : t.text;
};

const expectValue = (source: string, t: Token): string => {
  const problem = labelValueProblem(t.text);
  return problem ? fail(source, t.pos, problem) : t.text;
};

/** Why a label value is not one the API server accepts, or undefined. */
export const labelValueProblem = (value: string): string | undefined => {
  if (value.length > 63) return `label value "${value}" is longer than 63 characters`;
  if (value !== '' && !NAME.test(value)) {
    return `label value "${value}" must be alphanumerics, "-", "_" or ".", starting and ending with an alphanumeric`;
  }
  return undefined;
};

/** Why a label key is not one the API server accepts (`prefix/name`), or undefined. */
export const labelKeyProblem = (key: string): string | undefined => {
  const slash = key.indexOf('/');
  const [prefix, name] = slash < 0 ? [undefined, key] : [key.slice(0, slash), key.slice(slash + 1)];
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
    return `label key prefix "${prefix}" must be a DNS subdomain (lowercase, e.g. "node.example.com")`;
  }
  if (name.length === 0 || name.length > 63 || !NAME.test(name)) {
    return `label key "${key}" needs a name of 1–63 alphanumerics, "-", "_" or ".", starting and ending with an alphanumeric`;
  }
  return undefined;
};

const tokenize = (source: string): Token[] => {
  const tokens: Token[] = [];
  let pos = 0;
  while (pos < source.length) {
    const ch = source.charAt(pos);
    if (/\s/.test(ch)) {
      pos += 1;
      continue;
    }
    if (UNSUPPORTED.includes(ch)) fail(source, pos, `operator "${ch}" is not supported here`);
    const symbol = SYMBOLS.find((s) => source.startsWith(s, pos));
    if (symbol) {
      tokens.push({ kind: symbol, text: symbol, pos });
      pos += symbol.length;
      continue;
    }
    const start = pos;
    while (pos < source.length && !/[\s!=(),<>]/.test(source.charAt(pos))) pos += 1;
    const text = source.slice(start, pos);
    tokens.push({ kind: text === 'in' || text === 'notin' ? text : 'ident', text, pos: start });
  }
  return tokens;
};

const describe = (t: Token): string => (t.kind === 'end' ? 'the end of the selector' : `"${t.text}"`);

const fail = (source: string, position: number, problem: string): never => {
  throw new LabelSelectorError(source, position, problem);
};
