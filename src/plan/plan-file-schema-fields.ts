/**
 * The building blocks of the plan schema (zod): scalars, lists and mappings whose errors say what was expected
 * and what was found, in the words the plan reader has always used (`expected a node name string, got number 7`,
 * `required`, `unknown field (expected …)`). A missing value is `required`; the reader reads `null` members of
 * mappings as absent before the schema runs (see `plan-file-validate.ts`), so `key:` with no value in YAML is
 * missing too. Rules that are patterns are zod `regex` checks, so they also appear in the published JSON Schema;
 * the rest (a version that parses, a timestamp that exists) are checks JSON Schema cannot express.
 */
import { z } from 'zod';
import { tryParseReportedVersion } from './versions.js';

/** How a value is named in a message: `null`, `a list`, `a mapping`, `string "x"`, `number 7`. */
export const describeValue = (v: unknown): string =>
  v === undefined
    ? 'nothing'
    : v === null
      ? 'null'
      : Array.isArray(v)
        ? 'a list'
        : typeof v === 'object'
          ? 'a mapping'
          : `${typeof v} ${JSON.stringify(v)}`;

type Issue = { readonly input?: unknown };
/** An error message for a type or value mismatch: `required` when absent, else `expected <what>, got <value>`. */
export const expected =
  (what: string) =>
  (iss: Issue): string =>
    iss.input === undefined ? 'required' : `expected ${what}, got ${describeValue(iss.input)}`;

/** Any string, the empty string included. */
export const text = (): z.ZodString => z.string({ error: expected('a string') });

/**
 * A string that is not blank; `pattern` (with the message for a value that does not match it) narrows it
 * further. Blank strings get only the "empty string" message.
 */
export const nonBlank = (what = 'a string', pattern?: RegExp, why?: (s: string) => string): z.ZodString => {
  const s = z
    .string({ error: expected(what) })
    .regex(/\S/, { error: `expected ${what}, got an empty string`, abort: true });
  return pattern ? s.regex(pattern, { error: (iss) => (why ? why(String(iss.input)) : `expected ${what}`) }) : s;
};

/** A non-blank string that `test` accepts (`test` returns why not); for rules that are not a pattern. */
export const nonBlankWhere = (what: string, test: (s: string) => string | undefined, pattern?: RegExp): z.ZodString => {
  const s = nonBlank(what);
  const error = (iss: Issue): string => test(String(iss.input)) ?? `expected ${what}`;
  const shaped = pattern ? s.regex(pattern, { error, abort: true }) : s;
  return shaped.check((ctx) => {
    const why = test(ctx.value);
    if (why !== undefined) ctx.issues.push({ code: 'custom', message: why, input: ctx.value });
  });
};

/** A whole number in a range; one message for a wrong type, a fraction or a value out of range. */
export const integer = (min: number, max = Number.MAX_SAFE_INTEGER, unit = ''): z.ZodNumber => {
  const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
  const error = expected(`a whole number${unit} ${range}`);
  return z
    .number({ error })
    .int({ error, abort: true })
    .min(min, { error, abort: true })
    .max(max, { error, abort: true });
};

export const seconds = (min: number): z.ZodNumber => integer(min, Number.MAX_SAFE_INTEGER, ' of seconds');

export const bool = (): z.ZodBoolean => z.boolean({ error: expected('true or false') });

export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: expected(`one of ${values.join(', ')}`) });

export const literal = <const T extends string>(value: T) =>
  z.literal(value, { error: expected(JSON.stringify(value)) });

/** A list of `item`; `what` names the list in messages, `min` is its least length. */
export const list = <T extends z.ZodType>(item: T, options: { min?: number; what?: string } = {}) => {
  const { min = 0, what = 'a list' } = options;
  return z.array(item, { error: expected(what) }).min(min, {
    error: `expected ${what} with at least ${min} item${min === 1 ? '' : 's'}, got an empty list`,
  });
};

/** A mapping with exactly these fields: any other key is an `unknown field` (listing the known ones). */
export const mapping = <T extends z.core.$ZodLooseShape>(shape: T) => {
  const known = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (iss) =>
      iss.code === 'unrecognized_keys' ? `unknown field (expected ${known})` : expected('a mapping')(iss),
  });
};

// ---- the plan's scalars ---------------------------------------------------------------------------------

const NODE_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
/** A Kubernetes node name (DNS subdomain). */
export const nodeName = (): z.ZodString =>
  z.string({ error: expected('a node name string') }).regex(NODE_NAME, {
    error: (iss) => `${JSON.stringify(iss.input)} is not a node name (lower-case letters, digits, "-" and ".")`,
  });

/** A version as a cluster reports it (`v1.31.4`, `v1.31.4-eks-1234`): what `from` and versions found hold. */
export const reportedVersion = (): z.ZodString =>
  nonBlankWhere('a Kubernetes version such as v1.31.4', (s) =>
    tryParseReportedVersion(s) ? undefined : `${JSON.stringify(s)} is not a Kubernetes version (expected e.g. v1.31.4)`,
  );

const STRICT_VERSION = /^v1\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-(alpha|beta|rc)\.(0|[1-9]\d*))?$/;
/** An exact release the plan upgrades to: `v1.32.0`, `v1.33.0-rc.1`. */
export const targetVersion = (): z.ZodString =>
  nonBlank('a Kubernetes release such as v1.32.0', STRICT_VERSION, (s) => {
    return `${JSON.stringify(s)} is not an exact Kubernetes release (expected e.g. v1.32.0)`;
  });

const isHttpUrl = (s: string): string | undefined => {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:' ? undefined : `${JSON.stringify(s)} is not an http(s) URL`;
  } catch {
    return `${JSON.stringify(s)} is not a URL`;
  }
};
/** What `new URL` reads as http: or https: (for the JSON Schema: the scheme, in any case). */
export const httpUrl = (): z.ZodString =>
  nonBlankWhere('an http(s) URL', isHttpUrl).meta({ pattern: '^\\s*[hH][tT][tT][pP][sS]?:' });

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
/** An ISO-8601 timestamp with a zone, of a time that exists. */
export const isoTime = (): z.ZodString =>
  nonBlankWhere(
    'an ISO-8601 timestamp such as 2025-11-23T14:00:00.000Z',
    (s) =>
      ISO_UTC.test(s) && !Number.isNaN(Date.parse(s)) ? undefined : `${JSON.stringify(s)} is not an ISO-8601 timestamp`,
    ISO_UTC,
  );

const FINDING_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
/** A check id as `--ignore-check` takes it, kebab-case. */
export const checkId = (): z.ZodString =>
  nonBlank(
    'a check id such as pdb-never-allows-eviction',
    FINDING_ID,
    (s) => `${JSON.stringify(s)} is not a check id (kebab-case, e.g. pdb-never-allows-eviction)`,
  );
