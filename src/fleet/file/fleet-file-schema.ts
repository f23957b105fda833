/**
 * The fleet file's shape (zod), in the plan file schema's style and with its building blocks: every mapping
 * strict (an unknown key is an error at its path), messages that say what was expected and what was found.
 * Rules across the document (unique names, every cluster in exactly one stage, plan settings, kubeconfigs) live
 * in `fleet-file-validate.ts`; the settings mappings are only required to be mappings here.
 */
import { z } from 'zod';
import { labelKeyProblem, labelValueProblem, parseLabelSelector, LabelSelectorError } from '../../kube/index.js';
import {
  expected,
  httpUrl,
  list,
  literal,
  mapping,
  nonBlank,
  nonBlankWhere,
  oneOf,
} from '../../plan/plan-file-schema-fields.js';
import { FLEET_API_VERSION, FLEET_KIND, ON_FAILURE, WEEKDAYS } from './fleet-file-types.js';
import { countOrPercentProblem, durationProblem, timeZoneProblem } from './fleet-file-values.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const name = (what: string) =>
  nonBlank(
    what,
    DNS_LABEL,
    (s) => `${JSON.stringify(s)} is not a name (1–63 lower-case letters, digits and "-", e.g. prod-eu-1)`,
  );

/** Any mapping (its keys are checked later): plan settings. */
const settings = () => z.record(z.string(), z.unknown(), { error: expected('a mapping') });

const labels = () =>
  z
    .record(z.string(), z.string({ error: expected('a label value string') }), {
      error: expected('a mapping of labels'),
    })
    .check((ctx) => {
      for (const [key, value] of Object.entries(ctx.value)) {
        const problem = labelKeyProblem(key) ?? labelValueProblem(value);
        if (problem) ctx.issues.push({ code: 'custom', message: problem, input: value, path: [key] });
      }
    });

const duration = (max?: number) => nonBlankWhere('a duration such as 30m', (s) => durationProblem(s, 1, max));

const countOrPercent = (min: number) =>
  z.union([z.number(), z.string()], { error: expected('N or N%') }).check((ctx) => {
    const problem = countOrPercentProblem(ctx.value, min);
    if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
  });

const selector = () =>
  z.string({ error: expected('a label selector string') }).check((ctx) => {
    try {
      parseLabelSelector(ctx.value);
    } catch (e) {
      if (!(e instanceof LabelSelectorError)) throw e;
      ctx.issues.push({ code: 'custom', message: e.message.split('\n')[0] ?? e.message, input: ctx.value });
    }
  });

export const maintenanceWindowSchema = mapping({
  days: list(oneOf(WEEKDAYS), { min: 1, what: 'a list of days (Mon … Sun)' }),
  start: nonBlank(
    'a local time HH:MM',
    /^([01]\d|2[0-3]):[0-5]\d$/,
    (s) => `${JSON.stringify(s)} is not a time HH:MM (00:00–23:59)`,
  ),
  duration: duration(7 * 24 * 3600),
  timeZone: nonBlankWhere('an IANA time zone such as Asia/Tokyo', timeZoneProblem),
});

const GATE_KINDS = ['approval', 'command', 'url'] as const;
export const stageGateSchema = mapping({
  approval: z.literal(true, { error: expected('true') }).optional(),
  command: list(nonBlank('an argument string'), { min: 1, what: 'an argv list (no shell)' }).optional(),
  url: httpUrl().optional(),
  timeout: duration().optional(),
}).check((ctx) => {
  const kinds = GATE_KINDS.filter((k) => ctx.value[k] !== undefined);
  if (kinds.length !== 1)
    ctx.issues.push({
      code: 'custom',
      input: ctx.value,
      message:
        kinds.length === 0
          ? 'a gate needs one of approval: true, command: [argv…] or url: https://…'
          : `a gate is one kind, got ${kinds.join(' and ')}: write one gate per kind`,
    });
  else if (kinds[0] === 'approval' && ctx.value.timeout !== undefined)
    ctx.issues.push({
      code: 'custom',
      input: ctx.value,
      path: ['timeout'],
      message: 'an approval gate has no timeout',
    });
});

export const fleetClusterSchema = mapping({
  name: name('a cluster name'),
  kubeconfig: nonBlank('a kubeconfig path').optional(),
  context: nonBlank('a context name').optional(),
  labels: labels().default({}),
  settings: settings().optional(),
  maintenanceWindow: maintenanceWindowSchema.optional(),
}).check((ctx) => {
  if (ctx.value.kubeconfig === undefined && ctx.value.context === undefined)
    ctx.issues.push({ code: 'custom', input: ctx.value, message: 'needs a kubeconfig path, a context, or both' });
});

export const fleetStageSchema = mapping({
  name: name('a stage name'),
  selector: selector(),
  maxConcurrency: countOrPercent(1),
  failureBudget: countOrPercent(0).default(0),
  soak: duration().optional(),
  gates: mapping({
    before: list(stageGateSchema).optional(),
    after: list(stageGateSchema).optional(),
  }).optional(),
  onFailure: oneOf(ON_FAILURE).default('stop'),
});

export const fleetFileSchema = mapping({
  apiVersion: literal(FLEET_API_VERSION),
  kind: literal(FLEET_KIND),
  metadata: mapping({ name: name('a fleet name') }),
  defaults: settings().optional(),
  clusters: list(fleetClusterSchema, { min: 1, what: 'a list of clusters' }),
  stages: list(fleetStageSchema, { min: 1, what: 'a list of stages' }),
});

export type FleetFileDocument = z.output<typeof fleetFileSchema>;
