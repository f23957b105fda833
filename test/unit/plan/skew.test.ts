/**
 * The version-skew policy: the kubelet window (n-3 from 1.28, n-2 before), HA apiservers, controllers and
 * kube-proxy, as violation records.
 */
import { describe, expect, it } from 'vitest';
import {
  checkSkew,
  isKubeletAllowed,
  kubeletMinorRange,
  maxKubeletLag,
  parseReportedVersion as v,
  type SkewSnapshot,
} from '../../../src/plan/index.js';

describe('kubelet window', () => {
  it.each([
    { name: 'n-3 once the apiserver is 1.28+', apiserver: 31, kubelet: 28, lag: 3 },
    { name: 'n-2 before 1.28', apiserver: 27, kubelet: 25, lag: 2 },
    { name: 'a kubelet older than 1.25 only gets n-2', apiserver: 28, kubelet: 24, lag: 2 },
    { name: 'exactly 1.28 with a 1.25 kubelet', apiserver: 28, kubelet: 25, lag: 3 },
  ])('maxKubeletLag: $name', ({ apiserver, kubelet, lag }) => {
    expect(maxKubeletLag(apiserver, kubelet)).toBe(lag);
  });

  it.each([
    { name: 'single 1.31 apiserver', apiservers: [31], want: { min: 28, max: 31 } },
    { name: 'single 1.27 apiserver (pre-1.28 rule)', apiservers: [27], want: { min: 25, max: 27 } },
    { name: 'HA 1.30 + 1.31 narrows the top', apiservers: [30, 31], want: { min: 28, max: 30 } },
    { name: 'HA 1.27 + 1.28 crosses the policy change', apiservers: [27, 28], want: { min: 25, max: 27 } },
  ])('kubeletMinorRange: $name', ({ apiservers, want }) => {
    expect(kubeletMinorRange(apiservers)).toEqual(want);
  });

  it.each([
    { name: '3 behind a 1.31 apiserver', kubelet: 28, apiservers: [31], ok: true },
    { name: '4 behind a 1.31 apiserver', kubelet: 27, apiservers: [31], ok: false },
    { name: '3 behind a 1.27 apiserver', kubelet: 24, apiservers: [27], ok: false },
    { name: 'newer than the older HA apiserver', kubelet: 31, apiservers: [30, 31], ok: false },
  ])('isKubeletAllowed: $name', ({ kubelet, apiservers, ok }) => {
    expect(isKubeletAllowed(kubelet, apiservers)).toBe(ok);
  });
});

describe('checkSkew', () => {
  type SnapshotText = Omit<SkewSnapshot, 'apiservers' | 'kubelets'> & {
    apiservers: string[];
    kubelets?: [string, string][];
  };
  const snap = ({ apiservers, kubelets = [], ...rest }: SnapshotText): SkewSnapshot => ({
    ...rest,
    apiservers: apiservers.map(v),
    kubelets: kubelets.map(([node, version]) => ({ node, version: v(version) })),
  });

  it.each([
    {
      name: 'a healthy n-3 cluster',
      snapshot: snap({
        apiservers: ['v1.31.4', 'v1.31.4'],
        kubelets: [
          ['w1', 'v1.28.9'],
          ['w2', 'v1.31.4'],
        ],
      }),
      rules: [],
    },
    {
      name: 'HA apiservers two minors apart',
      snapshot: snap({ apiservers: ['v1.29.0', 'v1.31.4'] }),
      rules: ['APISERVER_HA_SKEW'],
    },
    {
      name: 'a kubelet four minors behind',
      snapshot: snap({ apiservers: ['v1.31.4'], kubelets: [['w1', 'v1.27.1-eks-2f008fe']] }),
      rules: ['KUBELET_TOO_OLD'],
    },
    {
      name: 'a kubelet three behind under the pre-1.28 rule',
      snapshot: snap({ apiservers: ['v1.27.3'], kubelets: [['w1', 'v1.24.17']] }),
      rules: ['KUBELET_TOO_OLD'],
    },
    {
      name: 'a kubelet newer than the older HA apiserver',
      snapshot: snap({ apiservers: ['v1.30.2', 'v1.31.0'], kubelets: [['w1', 'v1.31.0']] }),
      rules: ['KUBELET_NEWER_THAN_APISERVER'],
    },
    {
      name: 'controllers newer than an apiserver and two behind',
      snapshot: snap({
        apiservers: ['v1.30.2', 'v1.30.2'],
        controllerManagers: [v('v1.31.0')],
        schedulers: [v('v1.28.0')],
      }),
      rules: ['CONTROLLER_NEWER_THAN_APISERVER', 'CONTROLLER_TOO_OLD'],
    },
    {
      name: 'kube-proxy newer than the apiserver',
      snapshot: snap({ apiservers: ['v1.30.2'], kubeProxy: v('v1.31.0') }),
      rules: ['KUBE_PROXY_NEWER_THAN_APISERVER'],
    },
    {
      name: 'kube-proxy four behind',
      snapshot: snap({ apiservers: ['v1.31.2'], kubeProxy: v('v1.27.0') }),
      rules: ['KUBE_PROXY_TOO_OLD'],
    },
    {
      name: 'kube-proxy a minor apart from a kubelet before 1.28',
      snapshot: snap({ apiservers: ['v1.27.3'], kubeProxy: v('v1.27.3'), kubelets: [['w1', 'v1.26.5']] }),
      rules: ['KUBE_PROXY_KUBELET_SKEW'],
    },
    {
      name: 'kube-proxy three apart from a kubelet from 1.28 on',
      snapshot: snap({ apiservers: ['v1.31.0'], kubeProxy: v('v1.31.0'), kubelets: [['w1', 'v1.28.5']] }),
      rules: [],
    },
  ])('$name', ({ snapshot, rules }) => {
    expect(checkSkew(snapshot).map((x) => x.rule)).toEqual(rules);
  });

  it('describes a violation as data with a remediation', () => {
    const [violation] = checkSkew(snap({ apiservers: ['v1.31.4'], kubelets: [['w1', 'v1.27.1']] }));
    expect(violation).toEqual({
      rule: 'KUBELET_TOO_OLD',
      severity: 'blocker',
      component: 'kubelet',
      node: 'w1',
      version: 'v1.27.1',
      against: 'v1.31.4',
      allowed: '1.28–1.31',
      message: expect.stringContaining('4 minors behind'),
      remediation: expect.stringContaining('Drain w1'),
    });
  });

  it('treats kube-proxy versus kubelet skew as a warning', () => {
    const found = checkSkew(snap({ apiservers: ['v1.26.0'], kubeProxy: v('v1.26.0'), kubelets: [['w1', 'v1.25.0']] }));
    expect(found.map((x) => x.severity)).toEqual(['warning']);
  });

  it('lists kubelet violations by node name whatever the input order', () => {
    const found = checkSkew(
      snap({
        apiservers: ['v1.31.0'],
        kubelets: [
          ['w2', 'v1.26.0'],
          ['w1', 'v1.25.0'],
        ],
      }),
    );
    expect(found.map((x) => x.node)).toEqual(['w1', 'w2']);
  });

  it('refuses a snapshot without apiservers', () => {
    expect(() => checkSkew({ apiservers: [], kubelets: [] })).toThrow(/kube-apiserver/);
  });
});
