/**
 * kubectl label-selector syntax (`pool=blue`, `pool==blue`, `pool!=blue`, `tier in (a,b)`, `tier notin (a,b)`,
 * `gpu`, `!gpu`, joined by commas meaning AND), parsed into requirements and matched against a node's labels
 * with the same semantics as Kubernetes: `!=` and `notin` also match nodes that lack the label. Label keys and
 * values are validated like the API server does. The empty selector matches everything.
 */
import { LabelSelectorError } from './errors.js';

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

/** Whether a node (or any object) with these labels satisfies every requirement. */
export const matches = (selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean =>
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
  return fail(source, op.pos, `expected "=", "==", "!=", "in", "notin", "," or the end after key "${key}", found ${describe(op)}`);
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
  const problem = keyProblem(t.text);
  return problem ? fail(source, t.pos, problem) : t.text;
};

const expectValue = (source: string, t: Token): string => {
  if (t.text.length > 63) fail(source, t.pos, `label value "${t.text}" is longer than 63 characters`);
  if (t.text !== '' && !NAME.test(t.text)) {
    fail(source, t.pos, `label value "${t.text}" must be alphanumerics, "-", "_" or ".", starting and ending with an alphanumeric`);
  }
  return t.text;
};

const keyProblem = (key: string): string | undefined => {
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
