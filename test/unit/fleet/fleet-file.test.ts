/**
 * The fleet file: every kind of mistake is invalid input (FleetFileError → exit 3) whose message names the
 * offending path, a valid file reads with kubeconfig paths resolved against its folder, and the shipped example
 * (examples/fleet.yaml) stays valid.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { toCliError } from '../../../src/cli/error-mapping.js';
import {
  FleetFileError,
  clusterPlanSettings,
  readFleetFile,
  validateFleetDocument,
  type FleetFile,
} from '../../../src/fleet/file/index.js';

let dir: string;
const KUBECONFIG = {
  apiVersion: 'v1',
  kind: 'Config',
  clusters: [{ name: 'x', cluster: { server: 'https://127.0.0.1:1' } }],
  users: [{ name: 'u', user: {} }],
  contexts: [
    { name: 'ctx-a', context: { cluster: 'x', user: 'u' } },
    { name: 'ctx-b', context: { cluster: 'x', user: 'u' } },
  ],
  'current-context': 'ctx-a',
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fleet-file-'));
  writeFileSync(join(dir, 'kc.yaml'), YAML.stringify(KUBECONFIG));
  writeFileSync(join(dir, 'no-current.yaml'), YAML.stringify({ ...KUBECONFIG, 'current-context': '' }));
  writeFileSync(join(dir, 'locked.yaml'), YAML.stringify(KUBECONFIG));
  chmodSync(join(dir, 'locked.yaml'), 0o000);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const base = (): Doc => ({
  apiVersion: 'k8s-upgrade/v1',
  kind: 'Fleet',
  metadata: { name: 'shop' },
  defaults: { execCommand: ['/bin/upgrade', '{node}', '{version}'] },
  clusters: [
    { name: 'a', kubeconfig: 'kc.yaml', context: 'ctx-a', labels: { ring: 'one' } },
    { name: 'b', kubeconfig: 'kc.yaml', context: 'ctx-b', labels: { ring: 'two' } },
    { name: 'c', kubeconfig: 'kc.yaml', labels: { ring: 'two' } },
  ],
  stages: [
    { name: 'one', selector: 'ring=one', maxConcurrency: 1 },
    { name: 'two', selector: 'ring=two', maxConcurrency: '50%', failureBudget: 1 },
  ],
});

let n = 0;
function readDoc(doc: Doc | string): FleetFileError | { fleet: FleetFile } {
  const path = join(dir, `fleet-${(n += 1)}.yaml`);
  writeFileSync(path, typeof doc === 'string' ? doc : YAML.stringify(doc));
  try {
    return readFleetFile(path, { env: { HOME: dir } });
  } catch (e) {
    if (e instanceof FleetFileError) return e;
    throw e;
  }
}

const edit = (f: (d: Doc) => void) => (): Doc => {
  const d = base();
  f(d);
  return d;
};

// [what, the document, the path named, (optionally) the message]
const MISTAKES: [string, () => Doc | string, string, RegExp?][] = [
  ['wrong apiVersion', edit((d) => (d.apiVersion = 'v1')), 'apiVersion'],
  ['wrong kind', edit((d) => (d.kind = 'Fleets')), 'kind'],
  ['missing clusters', edit((d) => delete d.clusters), 'clusters', /required/],
  ['empty clusters', edit((d) => (d.clusters = [])), 'clusters', /at least 1/],
  ['missing stages', edit((d) => delete d.stages), 'stages', /required/],
  ['duplicate cluster name', edit((d) => (d.clusters[2].name = 'b')), 'clusters[2].name', /duplicate cluster name "b"/],
  ['duplicate stage name', edit((d) => (d.stages[1].name = 'one')), 'stages[1].name', /duplicate stage name/],
  ['bad cluster name', edit((d) => (d.clusters[1].name = 'Prod_EU')), 'clusters[1].name', /not a name/],
  ['bad fleet name', edit((d) => (d.metadata.name = '')), 'metadata.name'],
  [
    'neither kubeconfig nor context',
    edit((d) => (d.clusters[0] = { name: 'a', labels: { ring: 'one' } })),
    'clusters[0]',
    /kubeconfig path, a context/,
  ],
  [
    'unreadable kubeconfig (missing)',
    edit((d) => (d.clusters[1].kubeconfig = 'nope.yaml')),
    'clusters[1].kubeconfig',
    /no such file/,
  ],
  [
    'unreadable kubeconfig (mode 000)',
    edit((d) => (d.clusters[1].kubeconfig = 'locked.yaml')),
    'clusters[1].kubeconfig',
    /cannot read|permission/,
  ],
  [
    'unknown context',
    edit((d) => (d.clusters[1].context = 'ctx-z')),
    'clusters[1].context',
    /"ctx-z" is not in .*ctx-a, ctx-b/,
  ],
  [
    'no current context and no context',
    edit((d) => (d.clusters[2].kubeconfig = 'no-current.yaml')),
    'clusters[2].kubeconfig',
    /no current context/,
  ],
  [
    'context only, no default kubeconfig',
    edit((d) => (d.clusters[1] = { name: 'b', context: 'ctx-b', labels: { ring: 'two' } })),
    'clusters[1]',
    /no \$KUBECONFIG/,
  ],
  ['bad label key', edit((d) => (d.clusters[0].labels['-bad'] = 'x')), 'clusters[0].labels.-bad', /label key/],
  ['bad label value', edit((d) => (d.clusters[0].labels.team = 'a b')), 'clusters[0].labels.team', /label value/],
  ['label value not a string', edit((d) => (d.clusters[0].labels.n = 3)), 'clusters[0].labels.n', /label value string/],
  [
    'bad selector',
    edit((d) => (d.stages[0].selector = 'ring in (one')),
    'stages[0].selector',
    /Invalid label selector/,
  ],
  [
    'cluster in no stage',
    edit((d) => (d.clusters[0].labels = { ring: 'three' })),
    'clusters[0]',
    /"a" .* matches no stage/,
  ],
  [
    'cluster in two stages',
    edit((d) => (d.stages[1].selector = 'ring')),
    'clusters[0]',
    /matches 2 stages \(one, two\)/,
  ],
  ['maxConcurrency 0', edit((d) => (d.stages[0].maxConcurrency = 0)), 'stages[0].maxConcurrency', /at least 1/],
  ['maxConcurrency -1', edit((d) => (d.stages[0].maxConcurrency = -1)), 'stages[0].maxConcurrency'],
  [
    'maxConcurrency 0%',
    edit((d) => (d.stages[0].maxConcurrency = '0%')),
    'stages[0].maxConcurrency',
    /from 1% to 100%/,
  ],
  ['maxConcurrency 150%', edit((d) => (d.stages[0].maxConcurrency = '150%')), 'stages[0].maxConcurrency', /100%/],
  ['maxConcurrency abc', edit((d) => (d.stages[0].maxConcurrency = 'abc')), 'stages[0].maxConcurrency', /whole number/],
  ['maxConcurrency missing', edit((d) => delete d.stages[0].maxConcurrency), 'stages[0].maxConcurrency', /^required$/],
  ['failureBudget bad', edit((d) => (d.stages[1].failureBudget = '10 %x')), 'stages[1].failureBudget'],
  ['failureBudget fraction', edit((d) => (d.stages[1].failureBudget = 1.5)), 'stages[1].failureBudget'],
  ['bad soak duration', edit((d) => (d.stages[1].soak = '2 hours')), 'stages[1].soak', /not a duration/],
  [
    'gate with two kinds',
    edit((d) => (d.stages[0].gates = { after: [{ approval: true, url: 'https://x.example' }] })),
    'stages[0].gates.after[0]',
    /one kind, got approval and url/,
  ],
  [
    'gate with no kind',
    edit((d) => (d.stages[0].gates = { before: [{ timeout: '1m' }] })),
    'stages[0].gates.before[0]',
    /needs one of/,
  ],
  [
    'gate with an empty argv',
    edit((d) => (d.stages[0].gates = { before: [{ command: [] }] })),
    'stages[0].gates.before[0].command',
    /at least 1/,
  ],
  [
    'gate with a non-http URL',
    edit((d) => (d.stages[0].gates = { before: [{ url: 'ftp://x.example/ok' }] })),
    'stages[0].gates.before[0].url',
    /not an http\(s\) URL/,
  ],
  [
    'gate with a shell string',
    edit((d) => (d.stages[0].gates = { before: [{ command: 'check.sh --all' }] })),
    'stages[0].gates.before[0].command',
    /argv list/,
  ],
  ['unknown gate key', edit((d) => (d.stages[0].gates = { during: [] })), 'stages[0].gates.during', /unknown field/],
  [
    'bad onFailure',
    edit((d) => (d.stages[0].onFailure = 'retry')),
    'stages[0].onFailure',
    /one of stop, pause, continue/,
  ],
  [
    'window day',
    edit(
      (d) => (d.clusters[0].maintenanceWindow = { days: ['Monday'], start: '02:00', duration: '4h', timeZone: 'UTC' }),
    ),
    'clusters[0].maintenanceWindow.days[0]',
    /Mon, Tue/,
  ],
  [
    'window start',
    edit((d) => (d.clusters[0].maintenanceWindow = { days: ['Mon'], start: '25:00', duration: '4h', timeZone: 'UTC' })),
    'clusters[0].maintenanceWindow.start',
    /HH:MM/,
  ],
  [
    'window duration over 7 days',
    edit(
      (d) => (d.clusters[0].maintenanceWindow = { days: ['Mon'], start: '02:00', duration: '200h', timeZone: 'UTC' }),
    ),
    'clusters[0].maintenanceWindow.duration',
    /too long/,
  ],
  [
    'window time zone',
    edit(
      (d) =>
        (d.clusters[0].maintenanceWindow = { days: ['Mon'], start: '02:00', duration: '4h', timeZone: 'Mars/Olympus' }),
    ),
    'clusters[0].maintenanceWindow.timeZone',
    /IANA/,
  ],
  [
    'window missing timeZone',
    edit((d) => (d.clusters[0].maintenanceWindow = { days: ['Mon'], start: '02:00', duration: '4h' })),
    'clusters[0].maintenanceWindow.timeZone',
    /required/,
  ],
  ['unknown top-level key', edit((d) => (d.cluster = [])), 'cluster', /unknown field/],
  ['unknown cluster key', edit((d) => (d.clusters[0].label = {})), 'clusters[0].label', /unknown field/],
  [
    'unknown setting in defaults',
    edit((d) => (d.defaults.maxUnavailble = 1)),
    'defaults.maxUnavailble',
    /unknown plan setting/,
  ],
  [
    'unknown setting in a cluster',
    edit((d) => (d.clusters[1].settings = { to: 'v1.32.0' })),
    'clusters[1].settings.to',
    /the fleet sets it/,
  ],
  [
    'settings maxUnavailable 0',
    edit((d) => (d.clusters[1].settings = { maxUnavailable: 0 })),
    'clusters[1].settings.maxUnavailable',
    /at least one node/,
  ],
  [
    'settings wrong type',
    edit((d) => (d.defaults.drainTimeout = 'ten minutes')),
    'defaults.drainTimeout',
    /whole number/,
  ],
  [
    'settings bad worker selector',
    edit((d) => (d.defaults.workers = ['pool in (a'])),
    'defaults.workers',
    /Invalid label selector/,
  ],
  [
    'settings unknown check waived',
    edit((d) => (d.clusters[0].settings = { ignoreCheck: ['no-such-check'] })),
    'clusters[0].settings.ignoreCheck',
    /no such check/,
  ],
  ['settings exec driver without a command', edit((d) => (d.defaults = {})), 'defaults', /exec needs execCommand/],
  ['settings gate URL', edit((d) => (d.defaults.gateUrl = ['ftp://x'])), 'defaults.gateUrl', /http:\/\/ or https:\/\//],
  ['settings not a mapping', edit((d) => (d.defaults = ['a'])), 'defaults', /mapping/],
  ['empty file', () => '', '(root)', /empty/],
  ['only a comment', () => '# nothing\n', '(root)', /empty/],
  ['YAML syntax error', () => 'apiVersion: k8s-upgrade/v1\nclusters: [a, b\n', 'line', /./],
  ['duplicate YAML key', () => 'kind: Fleet\nkind: Fleet\n', 'line', /unique|Map keys/],
  ['two documents', () => 'kind: Fleet\n---\nkind: Fleet\n', '(root)', /2 YAML documents/],
  ['not a mapping', () => '- a\n- b\n', '(root)', /mapping/],
];

describe('fleet file mistakes', () => {
  it.each(MISTAKES.filter(([what]) => !(what.includes('mode 000') && process.getuid?.() === 0)))(
    '%s',
    (_what, doc, path, message) => {
      const got = readDoc(doc());
      expect(got).toBeInstanceOf(FleetFileError);
      const err = got as FleetFileError;
      const hit = err.problems.find((p) => p.path === path || (path === 'line' && p.path.startsWith('line ')));
      expect(hit, `${err.message}\nproblems: ${JSON.stringify(err.problems)}`).toBeDefined();
      if (message) expect(hit?.message).toMatch(message);
      if (path !== 'line') expect(err.message).toContain(path === '(root)' ? '' : `${path}:`);
      expect(toCliError(err).exitCode).toBe(3);
      expect(err.message).not.toMatch(/undefined|NaN|\[object Object\]|Cannot read properties/);
    },
  );

  it('covers at least 20 kinds of mistake', () => expect(MISTAKES.length).toBeGreaterThanOrEqual(20));

  it('refuses a file over the size limit and a file with a NUL byte, before parsing', () => {
    const path = join(dir, 'big.yaml');
    writeFileSync(path, YAML.stringify(base()));
    expect(() => readFleetFile(path, { maxBytes: 100, env: { HOME: dir } })).toThrow(/more than the limit of 100/);
    writeFileSync(path, `${YAML.stringify(base())}\0`);
    expect(() => readFleetFile(path, { env: { HOME: dir } })).toThrow(/NUL byte/);
    expect(() => readFleetFile(join(dir, 'missing.yaml'))).toThrow(/no such file/);
  });
});

describe('a valid fleet file', () => {
  it('reads with defaults filled in and kubeconfigs resolved against its folder', () => {
    const got = readDoc(base());
    expect(got).not.toBeInstanceOf(FleetFileError);
    const { fleet } = got as { fleet: FleetFile };
    expect(fleet.clusters[0]?.kubeconfig).toBe(join(dir, 'kc.yaml'));
    expect(fleet.stages[0]).toMatchObject({ failureBudget: 0, onFailure: 'stop' });
    expect(clusterPlanSettings(fleet, fleet.clusters[0] as never)).toMatchObject({
      maxUnavailable: '1',
      drainTimeout: 600,
      execCommand: ['/bin/upgrade', '{node}', '{version}'],
    });
  });

  it('a cluster setting overrides the default key by key', () => {
    const d = base();
    d.defaults.drainTimeout = 300;
    d.clusters[1].settings = { maxUnavailable: '50%' };
    const { fleet } = readDoc(d) as { fleet: FleetFile };
    expect(clusterPlanSettings(fleet, fleet.clusters[1] as never)).toMatchObject({
      maxUnavailable: '50%',
      drainTimeout: 300,
    });
  });

  it('a stage that selects no cluster is a warning, not an error', () => {
    const d = base();
    d.stages.push({ name: 'later', selector: 'ring=later', maxConcurrency: 1 });
    const checked = validateFleetDocument(d);
    expect(checked.problems).toEqual([]);
    expect(checked.warnings).toEqual([
      { path: 'stages[2].selector', message: expect.stringMatching(/selects no cluster/) },
    ]);
  });

  it('the example fleet file (examples/fleet.yaml) is valid', () => {
    const checked = validateFleetDocument(YAML.parse(readFileSync('examples/fleet.yaml', 'utf8')));
    expect(checked.problems).toEqual([]);
    expect(checked.warnings).toEqual([]);
    expect(checked.fleet?.stages.map((s) => s.name)).toEqual(['staging', 'canary', 'prod']);
  });
});
