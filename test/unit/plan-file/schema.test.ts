/**
 * Schema validation: each broken field is reported with its path and a message that says what was expected,
 * every problem of a document is reported at once, unknown fields are refused, and the sections must agree
 * with each other (batches, hops, summary, waivers).
 */
import { describe, expect, it } from 'vitest';
import { validatePlanDocument, type PlanFileProblem } from '../../../src/plan/index.js';
import { DELETE, edited, parseRaw, planError } from './helpers.js';
import { blockedPlan, safePlan } from './plan-builder.js';

const problemsOf = (doc: unknown): PlanFileProblem[] => validatePlanDocument(doc).problems;

describe('structure', () => {
  it.each([
    // top level
    { path: 'kind', value: 'Plan', message: 'expected "UpgradePlan", got string "Plan"' },
    { path: 'from', value: 'one.thirty', message: '"one.thirty" is not a Kubernetes version' },
    { path: 'to', value: 'v1.32', message: '"v1.32" is not an exact Kubernetes release' },
    { path: 'to', value: 132, message: 'expected a Kubernetes release such as v1.32.0, got number 132' },
    { path: 'findings', value: DELETE, message: 'required' },
    { path: 'waivers', value: 'pdb', message: 'expected a list, got string "pdb"' },
    { path: 'surprise', value: true, message: 'unknown field (expected apiVersion, kind, metadata' },
    // metadata and cluster
    { path: 'metadata.createdAt', value: 'yesterday', message: '"yesterday" is not an ISO-8601 timestamp' },
    { path: 'metadata.generator', value: 'kubeadm 1.32', message: 'expected "k8s-upgrade <version>"' },
    { path: 'metadata.contentHash', value: 'md5:abc', message: 'expected sha256:<64 lower-case hex digits>' },
    { path: 'metadata.name', value: '../../etc/passwd', message: 'a plan name has no slashes or spaces' },
    { path: 'cluster.server', value: 'localhost:6443', message: 'is not an http(s) URL' },
    {
      path: 'cluster.kubeSystemUid',
      value: '',
      message: 'expected the kube-system namespace UID, got an empty string',
    },
    // components and hops
    {
      path: 'components[3].component',
      value: 'kube-dns',
      message: 'expected one of kube-apiserver, kube-controller-manager',
    },
    { path: 'components[0].current[0]', value: null, message: 'expected a version string, got null' },
    {
      path: 'controlPlane.nodes',
      value: [],
      message: 'expected a list of node names with at least 1 item, got an empty list',
    },
    { path: 'controlPlane.hops[0].to', value: 'latest', message: '"latest" is not an exact Kubernetes release' },
    { path: 'controlPlane.hops[0].nodes[1]', value: 'CP_2', message: '"CP_2" is not a node name' },
    { path: 'workers.hops[0].reason', value: 'because', message: 'expected one of skew, target, got string "because"' },
    // groups
    { path: 'groups[1].batches[0][1]', value: 7, message: 'expected a node name string, got number 7' },
    {
      path: 'groups[1].batches[1]',
      value: [],
      message: 'expected a batch (a list of node names) with at least 1 item',
    },
    { path: 'groups[0].maxUnavailable', value: 0, message: 'expected a whole number of nodes >= 1, got number 0' },
    {
      path: 'groups[0].maxUnavailableSpec',
      value: 1,
      message: 'expected a count such as "1" or a percentage such as "25%" (as a string), got number 1',
    },
    { path: 'groups[0].maxUnavailableSpec', value: '150%', message: 'expected a count such as "1" or a percentage' },
    { path: 'groups[0].implicit', value: 'no', message: 'expected true or false, got string "no"' },
    // options
    { path: 'options.strategy', value: 'yolo', message: 'expected one of rolling, batch, got string "yolo"' },
    { path: 'options.canary', value: 1.5, message: 'expected a whole number of nodes >= 1, got number 1.5' },
    {
      path: 'options.drain.timeoutSeconds',
      value: -1,
      message: 'expected a whole number of seconds >= 1, got number -1',
    },
    { path: 'options.drain.forceUnmanaged', value: DELETE, message: 'required' },
    {
      path: 'options.healthGates.http',
      value: [{ url: 'ftp://x/healthz' }],
      message: 'is not an http(s) URL',
      at: 'options.healthGates.http[0].url',
    },
    {
      path: 'options.healthGates.commands',
      value: [{ argv: 'curl -f http://x' }],
      message: 'expected an argv list of strings (no shell is used)',
      at: 'options.healthGates.commands[0].argv',
    },
    { path: 'options.etcdSnapshot.mode', value: 'remote', message: 'expected one of none, local, ssh' },
    // driver
    { path: 'driver.type', value: 'ansible', message: 'expected one of exec, kubeadm-ssh, got string "ansible"' },
    {
      path: 'driver.exec.timeoutSeconds',
      value: '600',
      message: 'expected a whole number of seconds >= 1, got string "600"',
    },
    { path: 'driver.ssh', value: {}, message: 'unknown field (expected type, exec)', at: 'driver.ssh' },
    // findings
    {
      path: 'findings[0].severity',
      value: 'fatal',
      message: 'expected one of blocker, warning, info, got string "fatal"',
    },
    { path: 'findings[0].id', value: 'Etcd Snapshot', message: 'is not a check id (kebab-case' },
    { path: 'findings[0].objects[0].kind', value: DELETE, message: 'required' },
    { path: 'summary.safe', value: 'true', message: 'expected true or false, got string "true"' },
  ])('$path = $value → "$message"', ({ path, value, message, at }) => {
    const problems = problemsOf(edited(safePlan(), { [path]: value }));
    expect(problems).toContainEqual({ path: at ?? path, message: expect.stringContaining(message) });
  });

  it.each([
    { path: 'driver.ssh.port', value: 70000, message: 'expected a whole number from 1 to 65535, got number 70000' },
    { path: 'driver.ssh.user', value: 'root; rm -rf /', message: 'is not a user name' },
    { path: 'driver.ssh.addressFrom', value: 'ExternalIP', message: 'expected "InternalIP", got string "ExternalIP"' },
    {
      path: 'driver.ssh.addressFrom',
      value: { label: 'bad key!' },
      message: 'is not a label key',
      at: 'driver.ssh.addressFrom.label',
    },
    {
      path: 'driver.ssh.addressFrom',
      value: ['InternalIP'],
      message: 'expected InternalIP or {label: <node label key>}',
    },
    {
      path: 'driver.ssh.strictHostKeyChecking',
      value: false,
      message: 'expected one of yes, accept-new, got boolean false',
    },
    { path: 'driver.ssh.packageManager', value: 'dnf', message: 'expected one of apt, yum' },
    { path: 'driver.ssh.jumpHost', value: 'a@b@c', message: 'is not [user@]host[:port]' },
    { path: 'driver.ssh.sudo', value: DELETE, message: 'required' },
  ])('ssh driver: $path = $value → "$message"', ({ path, value, message, at }) => {
    const problems = problemsOf(edited(blockedPlan(), { [path]: value }));
    expect(problems).toContainEqual({ path: at ?? path, message: expect.stringContaining(message) });
  });

  it('accepts a node label as the ssh address source', () => {
    const plan = blockedPlan();
    expect(problemsOf(edited(plan, { 'driver.ssh.addressFrom': { label: 'example.com/ssh-address' } }))).toEqual([]);
  });

  it('reports every problem of a document at once, each with its path', () => {
    const doc = edited(safePlan(), {
      'groups[1].batches[0][1]': 42,
      'options.strategy': 'yolo',
      'driver.exec.upgrade[6]': '{nodename}',
      'findings[0].waived': 'no',
      'cluster.server': 'nope',
      'metadata.extra': 1,
    });
    const err = planError(() => parseRaw(doc), 'PLAN_SCHEMA');
    expect(err.problems.map((p) => p.path).sort()).toEqual([
      'cluster.server',
      'driver.exec.upgrade[6]',
      'findings[0].waived',
      'groups[1].batches[0][1]',
      'metadata.extra',
      'options.strategy',
    ]);
    expect(err.message).toContain('test.yaml is not a valid k8s-upgrade/v1 plan (6 problems):');
    expect(err.message).toContain('  groups[1].batches[0][1]: expected a node name string, got number 42');
    expect(err.message).toContain('re-run `k8s-upgrade plan`');
  });
});

describe('consistency between sections', () => {
  it.each([
    {
      name: 'a batch node outside its group',
      edits: { 'groups[0].batches[0][0]': 'green-1' },
      path: 'groups[0].batches[0][0]',
      message: 'green-1 is not in groups[0].nodes',
    },
    {
      name: 'a node in two batches',
      edits: { 'groups[0].batches[1][0]': 'blue-1' },
      path: 'groups[0].batches[1][0]',
      message: 'blue-1 is in two batches',
    },
    {
      name: 'a group node in no batch',
      edits: { 'groups[0].batches[2]': DELETE },
      path: 'groups[0].batches',
      message: 'no batch holds blue-3',
    },
    {
      name: 'a node in two groups',
      edits: { 'groups[1].nodes[0]': 'blue-1', 'groups[1].batches[0][0]': 'blue-1' },
      path: 'groups[1].nodes[0]',
      message: 'blue-1 is already in groups[0]',
    },
    {
      name: 'a control-plane node in a worker group',
      edits: { 'groups[0].nodes[0]': 'cp-1', 'groups[0].batches[0][0]': 'cp-1' },
      path: 'groups[0].nodes[0]',
      message: 'cp-1 is a control-plane node',
    },
    {
      name: 'an implicit group with a selector',
      edits: { 'groups[0].implicit': true },
      path: 'groups[0].implicit',
      message: 'an implicit group has the selector ""',
    },
    {
      name: 'an unknown control-plane node in a hop',
      edits: { 'controlPlane.hops[0].nodes[2]': 'cp-9' },
      path: 'controlPlane.hops[0].nodes[2]',
      message: 'cp-9 is not in controlPlane.nodes',
    },
    {
      name: 'a worker hop node in no group',
      edits: { 'workers.hops[0].nodes[0]': 'red-1' },
      path: 'workers.hops[0].nodes[0]',
      message: 'red-1 is in no worker group',
    },
    {
      name: 'a hop past the target',
      edits: { 'controlPlane.hops[0].to': 'v1.33.0' },
      path: 'controlPlane.hops[0].to',
      message: 'v1.33.0 is past the target v1.32.0',
    },
    { name: 'a downgrade', edits: { from: 'v1.33.1' }, path: 'to', message: 'v1.32.0 is older than from (v1.33.1)' },
    {
      name: 'a component listed twice',
      edits: { 'components[1].component': 'kube-apiserver' },
      path: 'components[1].component',
      message: 'kube-apiserver is listed twice',
    },
    {
      name: 'a waived finding without its waiver',
      edits: { 'findings[0].waived': true },
      path: 'findings[0].waived',
      message: 'single-replica-workload is waived but not in waivers',
    },
    {
      name: 'a summary that disagrees with the findings',
      edits: { 'summary.warnings': 0 },
      path: 'summary.warnings',
      message: "is 0 but the plan's findings and hops give 1",
    },
    {
      name: 'a summary that says safe with blockers',
      edits: { 'findings[0].severity': 'blocker' },
      path: 'summary.blockers',
      message: "is 0 but the plan's findings and hops give 1",
    },
  ])('reports $name', ({ edits, path, message }) => {
    expect(problemsOf(edited(safePlan(), edits))).toContainEqual({ path, message: expect.stringContaining(message) });
  });

  it('checks hops go up', () => {
    const plan = blockedPlan();
    const problems = problemsOf(edited(plan, { 'controlPlane.hops[1].to': 'v1.31.0' }));
    expect(problems).toContainEqual({
      path: 'controlPlane.hops[1].to',
      message: 'v1.31.0 does not come after v1.31.4; hops go up',
    });
  });

  it('accepts the fixtures as they are', () => {
    expect(problemsOf(safePlan())).toEqual([]);
    expect(problemsOf(blockedPlan())).toEqual([]);
  });
});
