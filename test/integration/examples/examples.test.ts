/**
 * The examples under examples/ stay true: the in-cluster manifests validate strictly against Kubernetes' own
 * OpenAPI definitions, are accepted by kubectl (server-side dry run, strict validation) and round-trip through the
 * official Python client's models; their RBAC is exactly what `k8s-upgrade rbac` prints; every k8s-upgrade command
 * line in them (the workflow's scripts, the containers' args) parses with the command's own flags; the Jobs' retry
 * policies are keyed on the exit-code table; the workflow expands no `${{ }}` expression inside a script.
 */
import { Flags, Parser } from '@oclif/core';
import { execa } from 'execa';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { EXIT } from '../../../src/cli/exit-codes.js';
import { rbacManifests } from '../../../src/upgrade/rbac/index.js';
import { kubectlAvailable, kubectlRunner } from '../../helpers/kubectl.js';
import { strictViolations } from '../../helpers/openapi-strict.js';
import { startTestSandbox, type TestSandbox } from '../../helpers/sandbox.js';

const IN_CLUSTER = resolve('examples/in-cluster');
const WORKFLOW = resolve('examples/github-actions/k8s-upgrade.yml');
type K8sObject = { apiVersion: string; kind: string; metadata: { name: string }; [k: string]: unknown };
type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function docsOf(file: string): K8sObject[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => d.toJS() as K8sObject | null)
    .filter((d): d is K8sObject => d !== null);
}
const manifestFiles = readdirSync(IN_CLUSTER)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => join(IN_CLUSTER, f));
const objects = manifestFiles.flatMap((f) => docsOf(f).map((o) => ({ file: relative('.', f), o })));
const byKind = (kind: string) => objects.filter(({ o }) => o.kind === kind).map(({ o }) => o);

// ---- the CLI's own commands and flags -------------------------------------------------------------------------

interface CommandClass {
  flags?: Record<string, unknown>;
  baseFlags?: Record<string, unknown>;
  args?: Record<string, unknown>;
  enableJsonFlag?: boolean;
}
async function loadCommands(): Promise<Map<string, CommandClass>> {
  const root = resolve('src/commands');
  const out = new Map<string, CommandClass>();
  const walk = async (dir: string, prefix: string[]) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) await walk(join(dir, e.name), [...prefix, e.name]);
      else if (e.name.endsWith('.ts')) {
        const mod = (await import(join(dir, e.name))) as { default: CommandClass };
        out.set([...prefix, e.name.replace(/\.ts$/, '')].join(' '), mod.default);
      }
    }
  };
  await walk(root, []);
  return out;
}

/** Shell words of one command line (single and double quotes; `$VAR` kept as text), up to a pipe or `||`. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let inWord = false;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  const end = words.findIndex((w) => ['|', '||', '&&', ';', '>', '>>'].includes(w));
  return end === -1 ? words : words.slice(0, end);
}

/** Every `k8s-upgrade …` invocation in the workflow's `run:` scripts, as argv after the program name. */
function workflowInvocations(workflow: { jobs: Record<string, { steps: { run?: string }[] }> }): string[][] {
  const out: string[][] = [];
  for (const job of Object.values(workflow.jobs))
    for (const step of job.steps)
      for (const line of (step.run ?? '').split('\n')) {
        const words = shellWords(line);
        const at = words.indexOf('k8s-upgrade');
        if (at !== -1) out.push(words.slice(at + 1));
      }
  return out;
}

/** Containers that run the k8s-upgrade image with its entrypoint (args only, no command). */
function cliContainers(o: K8sObject): { name: string; args: string[] }[] {
  const pod = (o.kind === 'CronJob' ? (o as Doc).spec.jobTemplate.spec.template : (o as Doc).spec.template).spec;
  return [...(pod.initContainers ?? []), ...pod.containers].filter(
    (c: { image: string; command?: string[] }) => c.image.includes('k8s-upgrade') && !c.command,
  );
}

async function parseInvocation(commands: Map<string, CommandClass>, argv: string[]) {
  let id = '';
  let used = 0;
  for (let i = 1; i <= argv.length; i++) {
    const candidate = argv.slice(0, i).join(' ');
    if (commands.has(candidate)) {
      id = candidate;
      used = i;
    }
  }
  const cmd = commands.get(id);
  if (!cmd) throw new Error(`not a k8s-upgrade command: ${argv.join(' ')}`);
  const flags = {
    ...(cmd.baseFlags ?? {}),
    ...(cmd.flags ?? {}),
    ...(cmd.enableJsonFlag ? { json: Flags.boolean() } : {}),
  };
  const parsed = await Parser.parse(argv.slice(used), { flags, args: cmd.args ?? {}, strict: true } as never);
  return { id, parsed };
}

// ---- tests ----------------------------------------------------------------------------------------------------

describe('examples/in-cluster', () => {
  it('the Namespace, the CronJob and the Job validate strictly against the upstream OpenAPI definitions', () => {
    // The extract carries no RBAC or ServiceAccount definitions: those go through the Python client below.
    const checked = objects.filter(({ o }) => ['Namespace', 'CronJob', 'Job'].includes(o.kind));
    expect(checked.map(({ o }) => o.kind).sort()).toEqual(['CronJob', 'Job', 'Namespace']);
    for (const { file, o } of checked) expect(strictViolations(o), `${file} ${o.kind}`).toEqual([]);
  });

  it('the validator is strict: a misspelt field, a wrong type and a missing required field are errors', () => {
    const job = structuredClone(byKind('Job')[0]!) as Doc;
    job.spec.template.spec.restartpolicy = 'Never';
    job.spec.backoffLimit = 'ten';
    delete job.spec.template.spec.containers[0].name;
    const errors = strictViolations(job as K8sObject);
    expect(errors).toContain('Job.spec.template.spec.restartpolicy: unknown field');
    expect(errors.some((e) => e.startsWith('Job.spec.backoffLimit: expected an integer'))).toBe(true);
    expect(errors).toContain('Job.spec.template.spec.containers[0].name: required');
  });

  it('its RBAC is exactly what `k8s-upgrade rbac` prints for the two service accounts', () => {
    const rbac = docsOf(join(IN_CLUSTER, 'rbac.yaml'));
    expect(rbac[0]).toMatchObject({ kind: 'Namespace', metadata: { name: 'k8s-upgrade' } });
    const expected = [
      ...rbacManifests({
        name: 'k8s-upgrade-plan',
        subject: { kind: 'ServiceAccount', namespace: 'k8s-upgrade', name: 'k8s-upgrade-plan' },
        planOnly: true,
        withoutSecrets: false,
      }),
      ...rbacManifests({
        name: 'k8s-upgrade',
        subject: { kind: 'ServiceAccount', namespace: 'k8s-upgrade', name: 'k8s-upgrade' },
        planOnly: false,
        withoutSecrets: false,
      }),
    ];
    expect(rbac.slice(1)).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(byKind('CronJob')[0]).toMatchObject({
      spec: { jobTemplate: { spec: { template: { spec: { serviceAccountName: 'k8s-upgrade-plan' } } } } },
    });
    expect(byKind('Job')[0]).toMatchObject({ spec: { template: { spec: { serviceAccountName: 'k8s-upgrade' } } } });
  });

  it('the retry policies are keyed on the exit-code table: only paused and locked are retried', () => {
    const job = byKind('Job')[0] as Doc;
    const rules = job.spec.podFailurePolicy.rules;
    expect(rules[0]).toEqual({ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] });
    const retried = new Set<number>([EXIT.OK, EXIT.PAUSED, EXIT.LOCKED]);
    const fatal = Object.values(EXIT).filter((c) => !retried.has(c));
    expect(rules[1].action).toBe('FailJob');
    expect([...rules[1].onExitCodes.values].sort()).toEqual([...fatal].sort());
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    const cron = byKind('CronJob')[0] as Doc;
    const cronRule = cron.spec.jobTemplate.spec.podFailurePolicy.rules[0];
    expect(cronRule).toMatchObject({ action: 'FailJob', onExitCodes: { operator: 'In' } });
    expect([...cronRule.onExitCodes.values].sort()).toEqual([EXIT.BLOCKED, EXIT.INVALID_INPUT].sort());
  });

  it('every container runs unprivileged (the namespace enforces the restricted Pod Security level)', () => {
    for (const o of [...byKind('Job'), ...byKind('CronJob')]) {
      const pod = (o.kind === 'CronJob' ? (o as Doc).spec.jobTemplate.spec.template : (o as Doc).spec.template).spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      for (const c of [...(pod.initContainers ?? []), ...pod.containers])
        expect(c.securityContext, `${o.kind} ${c.name}`).toMatchObject({
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
        });
    }
  });

  describe('with real clients', () => {
    let t: TestSandbox;
    beforeAll(async () => {
      t = await startTestSandbox({ workload: { kind: 'none' } });
    });
    afterAll(async () => t?.stop());

    it.runIf(kubectlAvailable())('kubectl accepts every manifest (strict validation, server-side dry run)', async () => {
      const kubectl = kubectlRunner(t.kubeconfigPath);
      const ns = byKind('Namespace')[0]!;
      const nsFile = join(t.dir, 'namespace.json');
      writeFileSync(nsFile, JSON.stringify(ns));
      const created = await kubectl('apply', '--validate=strict', '-f', nsFile);
      expect(created.exitCode, created.stderr).toBe(0);
      for (const file of ['cronjob-plan.yaml', 'job-apply.yaml']) {
        const r = await kubectl('apply', '--validate=strict', '--dry-run=server', '-f', join(IN_CLUSTER, file));
        expect(r.exitCode, `${file}: ${r.stderr}`).toBe(0);
        expect(r.stdout).toMatch(/created \(server dry run\)/);
      }
    });
  });

  it('the official Python client reads every object; it drops only fields newer than its models', async () => {
    const list = { apiVersion: 'v1', kind: 'List', items: objects.map(({ o }) => o) };
    const py = await execa('/usr/bin/python3', [resolve('test/e2e/python/model_roundtrip.py')], {
      input: JSON.stringify(list),
      reject: false,
    });
    expect(py.exitCode, py.stderr).toBe(0);
    const back = JSON.parse(py.stdout).items as K8sObject[];
    // Fields added to the API after the client's models (Debian bookworm ships client 22.6, Kubernetes 1.22):
    // Job podFailurePolicy (1.25), CronJob timeZone (1.24). Each is dropped as a whole or kept unchanged.
    const newer = (o: Doc) => {
      const c = structuredClone(o);
      if (c.kind === 'Job') delete c.spec.podFailurePolicy;
      if (c.kind === 'CronJob') {
        delete c.spec.timeZone;
        delete c.spec.jobTemplate.spec.podFailurePolicy;
      }
      return c;
    };
    expect(back.map(newer)).toEqual(list.items.map(newer));
  });
});

describe('k8s-upgrade command lines in the examples', () => {
  let commands: Map<string, CommandClass>;
  beforeAll(async () => {
    commands = await loadCommands();
  });

  it('every invocation in the workflow and the containers parses with that command’s flags', async () => {
    const workflow = parse(readFileSync(WORKFLOW, 'utf8'));
    const fromWorkflow = workflowInvocations(workflow);
    const fromPods = [...byKind('Job'), ...byKind('CronJob')].flatMap((o) => cliContainers(o).map((c) => c.args));
    const ids: string[] = [];
    for (const argv of [...fromWorkflow, ...fromPods]) ids.push((await parseInvocation(commands, argv)).id);
    expect(new Set(ids)).toEqual(new Set(['plan', 'apply', 'report']));
  });

  it('the check fails for a flag a command does not have', async () => {
    await expect(parseInvocation(commands, ['apply', 'p.yaml', '--no-such-flag'])).rejects.toThrow(/no-such-flag/);
    await expect(parseInvocation(commands, ['nonexistent'])).rejects.toThrow(/not a k8s-upgrade command/);
  });

  it('the workflow expands no expression inside a script, keeps one run per cluster and reviews before apply', () => {
    const text = readFileSync(WORKFLOW, 'utf8');
    const workflow = parse(text);
    for (const [name, job] of Object.entries<Doc>(workflow.jobs))
      for (const step of job.steps) if (step.run) expect(step.run, `${name}: ${step.run}`).not.toMatch(/\$\{\{/);
    expect(workflow.permissions).toEqual({ contents: 'read' });
    expect(workflow.concurrency).toMatchObject({ 'cancel-in-progress': false });
    expect(workflow.jobs.apply).toMatchObject({ needs: 'plan', environment: 'production' });
  });
});
