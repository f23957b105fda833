/** Plan file names: `<cluster>-<from>-to-<to>.yaml`, the cluster part from the context or the server. */
import { describe, expect, it } from 'vitest';
import { clusterSlug, planFileName, planName, slugify } from '../../../src/plan/index.js';

describe('planFileName', () => {
  it.each([
    {
      name: 'the context name',
      cluster: { server: 'https://127.0.0.1:6443', context: 'sandbox' },
      want: 'sandbox-v1.31.4-to-v1.32.0.yaml',
    },
    {
      name: 'an EKS context ARN',
      cluster: {
        server: 'https://ABC.gr7.eu-west-1.eks.amazonaws.com',
        context: 'arn:aws:eks:eu-west-1:123456789012:cluster/prod',
      },
      want: 'arn-aws-eks-eu-west-1-123456789012-cluster-prod-v1.31.4-to-v1.32.0.yaml',
    },
    {
      name: 'a kubeadm-style context',
      cluster: { server: 'https://10.0.0.1:6443', context: 'kubernetes-admin@kubernetes' },
      want: 'kubernetes-admin-kubernetes-v1.31.4-to-v1.32.0.yaml',
    },
    {
      name: 'the server host and port without a context',
      cluster: { server: 'https://10.0.0.1:6443' },
      want: '10.0.0.1-6443-v1.31.4-to-v1.32.0.yaml',
    },
    {
      name: 'the server host alone on the default port',
      cluster: { server: 'https://API.Prod.Example.com' },
      want: 'api.prod.example.com-v1.31.4-to-v1.32.0.yaml',
    },
    {
      name: 'the server when the context slugs to nothing',
      cluster: { server: 'https://k8s.local:8443', context: '@@@' },
      want: 'k8s.local-8443-v1.31.4-to-v1.32.0.yaml',
    },
  ])('uses $name', ({ cluster, want }) => {
    expect(planFileName(cluster, 'v1.31.4', 'v1.32.0')).toBe(want);
  });

  it('slugs vendor suffixes in versions', () => {
    expect(planName({ server: 'https://x', context: 'gke' }, 'v1.30.2+6143dea', 'v1.31.0')).toBe(
      'gke-v1.30.2-6143dea-to-v1.31.0',
    );
  });

  it('never yields path separators, dot-dot or leading dots', () => {
    for (const context of ['../../etc', '/abs/path', 'a\\b', '..', '.hidden', 'x'.repeat(200)]) {
      const slug = clusterSlug({ server: 'https://h', context });
      expect(slug).not.toMatch(/[/\\]|\.\.|^[.-]|[.-]$/);
      expect(slug.length).toBeLessThanOrEqual(63);
      expect(slug.length).toBeGreaterThan(0);
    }
  });

  it('slugify lower-cases and collapses everything else to dashes', () => {
    expect(slugify('  Prod Cluster #1 ')).toBe('prod-cluster-1');
  });
});
