/**
 * The plan file: naming, writing and reading `plans/*.yaml` (and the same document as `-o json|yaml`).
 * Pure: text in, text out; the caller does the file I/O and supplies `createdAt` (no clock here).
 *
 * Reading (`parsePlan`) is strict and in this order, each step a `PlanFileError` with its own code:
 * YAML syntax (`PLAN_PARSE`) → anything that looks like a credential (`PLAN_CREDENTIALS`) → `apiVersion`
 * (`PLAN_API_VERSION`) → the schema, every problem with its path (`PLAN_SCHEMA`) → the content hash
 * (`PLAN_HASH_MISMATCH`). Writing (`serializePlan`) applies the same checks to what it is given, stamps the
 * content hash, and emits the keys in a fixed order, so the same plan always gives the same bytes.
 */
import YAML from 'yaml';
import { CREDENTIALS_ADVICE, findCredentials } from './plan-file-credentials.js';
import { PlanFileError, REPLAN_ADVICE, formatProblems, type PlanFileProblem } from './plan-file-errors.js';
import { computeContentHash, sealPlan } from './plan-file-hash.js';
import { validatePlanDocument } from './plan-file-validate.js';
import { PLAN_API_VERSION, type PlanCluster, type UpgradePlan } from './plan-file-schema.js';

/** The default folder for plans, relative to the working directory. */
export const DEFAULT_PLAN_DIR = 'plans';

const SLUG_MAX = 63;

/**
 * A file-name-safe slug: lower case, runs of anything but `a-z 0-9 .` become `-`, no leading/trailing `-`/`.`,
 * no `..`, at most 63 characters.
 */
export const slugify = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .slice(0, SLUG_MAX)
    .replace(/^[-.]+|[-.]+$/g, '');

/**
 * The cluster part of a plan name: the kubeconfig context name when known (`sandbox`,
 * `arn:aws:eks:…:cluster/prod` → `arn-aws-eks-…-cluster-prod`), else the API server's host and non-default
 * port (`https://10.0.0.1:6443` → `10.0.0.1-6443`), slugified; `cluster` when nothing usable remains.
 */
export const clusterSlug = (cluster: Pick<PlanCluster, 'server' | 'context'>): string => {
  const fromContext = cluster.context ? slugify(cluster.context) : '';
  if (fromContext !== '') return fromContext;
  let host = cluster.server;
  try {
    const url = new URL(cluster.server);
    host = url.port === '' ? url.hostname : `${url.hostname}-${url.port}`;
  } catch {
    // Not a URL: slug whatever it is.
  }
  return slugify(host) || 'cluster';
};

/** `sandbox-v1.31.4-to-v1.32.0`: the default `metadata.name`. */
export const planName = (cluster: Pick<PlanCluster, 'server' | 'context'>, from: string, to: string): string =>
  `${clusterSlug(cluster)}-${slugify(from) || 'unknown'}-to-${slugify(to) || 'unknown'}`;

/** `sandbox-v1.31.4-to-v1.32.0.yaml`: the default file name under `plans/` (`--out` overrides it). */
export const planFileName = (cluster: Pick<PlanCluster, 'server' | 'context'>, from: string, to: string): string =>
  `${planName(cluster, from, to)}.yaml`;

/**
 * The plan as written: credentials refused, content hash stamped (whatever `metadata.contentHash` held),
 * validated, keys in canonical order. Throws `PlanFileError` (`PLAN_CREDENTIALS` or `PLAN_SCHEMA`) when the
 * plan given is not one that `parsePlan` would accept: a plan is never written that cannot be read back.
 */
export const canonicalPlan = (plan: UpgradePlan): UpgradePlan => {
  const secrets = findCredentials(plan);
  if (secrets.length > 0) {
    throw new PlanFileError(
      'PLAN_CREDENTIALS',
      `Refusing to write a plan that holds credentials:\n${formatProblems(secrets)}\n${CREDENTIALS_ADVICE}`,
      secrets,
    );
  }
  const checked = validatePlanDocument(sealPlan(plan));
  if (!checked.plan) {
    throw new PlanFileError(
      'PLAN_SCHEMA',
      `Refusing to write an invalid plan (a bug in what built it):\n${formatProblems(checked.problems)}`,
      checked.problems,
    );
  }
  return checked.plan;
};

const FLOW_MAX_WIDTH = 110;
/** Plain scalars that YAML 1.1 readers (PyYAML, yq v3 …) would take for booleans or timestamps; quoted for them. */
const YAML11_AMBIGUOUS = /^(y|n|yes|no|on|off|\d{4}-\d{2}-\d{2}([Tt ].*)?)$/i;

const header = (plan: UpgradePlan): string =>
  [
    ` k8s-upgrade plan: ${(plan.cluster.context ?? plan.cluster.server).replace(/\s+/g, ' ')} from ${plan.from} to ${plan.to}.`,
    ' Review it, then run: k8s-upgrade apply <this file>',
    ' Written by `k8s-upgrade plan`; do not edit it: metadata.contentHash covers every field, so apply refuses an',
    ' edited plan. To change something, run `k8s-upgrade plan` again. This file holds no credentials.',
  ].join('\n');

/** The plan as YAML text with a comment header; stable: the same plan always gives the same text. */
export const serializePlan = (plan: UpgradePlan): string => {
  const canonical = canonicalPlan(plan);
  const doc = new YAML.Document(canonical);
  YAML.visit(doc, {
    Seq(_, seq) {
      const scalars = seq.items.every((i) => YAML.isScalar(i));
      const width = seq.items.reduce<number>((n, i) => n + String(YAML.isScalar(i) ? i.value : '').length + 3, 4);
      if (scalars && width <= FLOW_MAX_WIDTH) seq.flow = true;
    },
    Scalar(_, scalar) {
      if (typeof scalar.value === 'string' && YAML11_AMBIGUOUS.test(scalar.value)) scalar.type = 'QUOTE_DOUBLE';
    },
  });
  doc.commentBefore = header(canonical);
  return doc.toString({ lineWidth: 0, indent: 2 });
};

export interface ParsePlanOptions {
  /** Named in error messages, e.g. the file path. */
  readonly source?: string;
}

/** The largest plan text read (16 MiB): plans are far smaller; a larger file is not one. */
export const MAX_PLAN_CHARS = 16 * 2 ** 20;

/**
 * Reads a plan file's text. Throws `PlanFileError` with every problem found; see the module comment for the
 * order of the checks. The result is in canonical key order and its hash is verified.
 */
export const parsePlan = (text: string, options: ParsePlanOptions = {}): UpgradePlan => {
  const name = options.source ?? 'The plan';
  // Refused before parsing: what no plan `plan` writes can be (a 5,000-node plan is well under 1 MiB).
  if (text.length > MAX_PLAN_CHARS) {
    const problems = [{ path: '(root)', message: `${(text.length / 2 ** 20).toFixed(1)} MiB, over the 16 MiB limit` }];
    throw new PlanFileError(
      'PLAN_PARSE',
      `${name} is too large to be a plan (${problems[0]!.message}). ${REPLAN_ADVICE}`,
      problems,
    );
  }
  const nul = text.indexOf('\0');
  if (nul !== -1) {
    const line = text.slice(0, nul).split('\n').length;
    const problems = [{ path: `line ${line}`, message: 'a NUL byte (a binary file?)' }];
    throw new PlanFileError(
      'PLAN_PARSE',
      `${name} is not a plan: it holds a NUL byte at line ${line}. ${REPLAN_ADVICE}`,
      problems,
    );
  }
  const doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => ({
      path: e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '(root)',
      message: e.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? e.message,
    }));
    throw new PlanFileError(
      'PLAN_PARSE',
      `${name} is not valid YAML:\n${formatProblems(problems)}\n${REPLAN_ADVICE}`,
      problems,
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    const problems = [{ path: '(root)', message: (e as Error).message }];
    throw new PlanFileError(
      'PLAN_PARSE',
      `${name} cannot be read: ${(e as Error).message}\n${REPLAN_ADVICE}`,
      problems,
      { cause: e },
    );
  }
  if (value === null || value === undefined) {
    throw new PlanFileError('PLAN_PARSE', `${name} is empty. Run \`k8s-upgrade plan\` to write one.`, [
      { path: '(root)', message: 'empty document' },
    ]);
  }

  const secrets = findCredentials(value);
  if (secrets.length > 0) {
    throw new PlanFileError(
      'PLAN_CREDENTIALS',
      `${name} holds what looks like credentials:\n${formatProblems(secrets)}\n${CREDENTIALS_ADVICE}`,
      secrets,
    );
  }

  checkApiVersion(value, name);

  const checked = validatePlanDocument(value);
  if (!checked.plan) {
    const n = checked.problems.length;
    throw new PlanFileError(
      'PLAN_SCHEMA',
      `${name} is not a valid ${PLAN_API_VERSION} plan (${n} problem${n === 1 ? '' : 's'}):\n${formatProblems(checked.problems)}\n${REPLAN_ADVICE}`,
      checked.problems,
    );
  }

  const plan = checked.plan;
  const want = computeContentHash(plan);
  if (want !== plan.metadata.contentHash) {
    const problems: PlanFileProblem[] = [
      { path: 'metadata.contentHash', message: `is ${plan.metadata.contentHash} but the content hashes to ${want}` },
    ];
    throw new PlanFileError(
      'PLAN_HASH_MISMATCH',
      `${name} was changed after \`k8s-upgrade plan\` wrote it: its content no longer matches metadata.contentHash. ` +
        `A plan is applied exactly as reviewed, so an edited plan is refused. ${REPLAN_ADVICE}`,
      problems,
    );
  }
  return plan;
};

const checkApiVersion = (value: unknown, name: string): void => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return; // the schema reports it
  const apiVersion = (value as Record<string, unknown>).apiVersion;
  if (typeof apiVersion !== 'string' || apiVersion === PLAN_API_VERSION) return;
  const newer = /^k8s-upgrade\/v(\d+)/.exec(apiVersion);
  const advice = newer
    ? `it was written by a different k8s-upgrade release; this one reads ${PLAN_API_VERSION} only. Use the release that wrote it, or run \`k8s-upgrade plan\` again with this one.`
    : `this is not a k8s-upgrade plan (expected apiVersion: ${PLAN_API_VERSION}). Run \`k8s-upgrade plan\` to write one.`;
  throw new PlanFileError('PLAN_API_VERSION', `${name} has apiVersion ${JSON.stringify(apiVersion)}: ${advice}`, [
    {
      path: 'apiVersion',
      message: `unsupported ${JSON.stringify(apiVersion)}, expected ${JSON.stringify(PLAN_API_VERSION)}`,
    },
  ]);
};
