/**
 * Kubernetes version parsing and comparison: strict targets, lenient reported versions (vendor suffixes,
 * image tags), and the ordering helpers the skew policy relies on.
 */
import { describe, expect, it } from 'vitest';
import {
  InvalidVersionError,
  compareVersions,
  formatMinor,
  formatVersion,
  makeVersion,
  minorDistance,
  newestVersion,
  oldestVersion,
  parseImageVersion,
  parseReportedVersion,
  parseTargetVersion,
  tryParseReportedVersion,
} from '../../../src/plan/index.js';

describe('parseTargetVersion', () => {
  it.each([
    { name: 'with a leading v', input: 'v1.31.4', want: { major: 1, minor: 31, patch: 4, raw: 'v1.31.4' } },
    { name: 'without a leading v', input: '1.31.4', want: { major: 1, minor: 31, patch: 4, raw: '1.31.4' } },
    { name: 'surrounding spaces', input: '  v1.30.0 ', want: { major: 1, minor: 30, patch: 0, raw: 'v1.30.0' } },
    { name: 'a release candidate', input: 'v1.32.0-rc.1', want: { minor: 32, patch: 0, prerelease: 'rc.1' } },
  ])('accepts $name', ({ input, want }) => {
    expect(parseTargetVersion(input)).toMatchObject(want);
  });

  it.each([
    { name: 'a minor-only version', input: 'v1.31', hint: 'patch number is missing' },
    { name: 'a channel name', input: 'latest', hint: 'v1.31.4' },
    { name: 'garbage', input: 'not-a-version', hint: 'v1.31.4' },
    { name: 'the empty string', input: '', hint: 'v1.31.4' },
    { name: 'a vendor build', input: 'v1.27.1-eks-2f008fe', hint: 'v1.31.4' },
    { name: 'leading zeros', input: 'v1.031.4', hint: 'v1.31.4' },
    { name: 'a major other than 1', input: 'v2.0.0', hint: 'only 1.x' },
  ])('refuses $name with an error that gives an example', ({ input, hint }) => {
    const err = catchError(() => parseTargetVersion(input));
    expect(err).toBeInstanceOf(InvalidVersionError);
    expect(err).toMatchObject({ code: 'INVALID_VERSION', input });
    expect((err as Error).message).toContain(hint);
  });
});

describe('parseReportedVersion', () => {
  it.each([
    { name: 'plain', input: 'v1.30.2', want: { minor: 30, patch: 2, prerelease: undefined } },
    { name: 'EKS suffix', input: 'v1.27.1-eks-2f008fe', want: { minor: 27, patch: 1, prerelease: undefined } },
    {
      name: 'OpenShift build metadata',
      input: 'v1.30.2+6143dea',
      want: { minor: 30, patch: 2, prerelease: undefined },
    },
    { name: 'GKE suffix', input: 'v1.29.3-gke.100', want: { minor: 29, patch: 3, prerelease: undefined } },
    { name: 'no leading v', input: '1.28.5', want: { minor: 28, patch: 5, prerelease: undefined } },
    { name: 'a real prerelease', input: 'v1.32.0-rc.1+abc', want: { minor: 32, patch: 0, prerelease: 'rc.1' } },
  ])('reads $name', ({ input, want }) => {
    const { major, minor, patch, prerelease, raw } = parseReportedVersion(input);
    expect({ major, minor, patch, prerelease, raw }).toEqual({ major: 1, ...want, raw: input });
  });

  it.each([
    { name: 'garbage', input: 'unknown' },
    { name: 'a minor-only version', input: 'v1.30' },
    { name: 'text glued to the patch', input: 'v1.30.2abc' },
  ])('refuses $name', ({ input }) => {
    expect(() => parseReportedVersion(input)).toThrow(InvalidVersionError);
    expect(tryParseReportedVersion(input)).toBeUndefined();
  });
});

describe('parseImageVersion', () => {
  it.each([
    { name: 'a plain image', image: 'registry.k8s.io/kube-apiserver:v1.30.2', minor: 30 },
    { name: 'a registry with a port', image: 'localhost:5000/kube-proxy:v1.29.0', minor: 29 },
    { name: 'a digest', image: 'registry.k8s.io/kube-scheduler:v1.31.1@sha256:abcd', minor: 31 },
  ])('reads the tag of $name', ({ image, minor }) => {
    expect(parseImageVersion(image).minor).toBe(minor);
  });

  it('refuses an image without a tag', () => {
    expect(() => parseImageVersion('localhost:5000/kube-proxy')).toThrow(/no tag/);
  });
});

describe('ordering and formatting', () => {
  const v = parseReportedVersion;

  it.each([
    { name: 'minor wins over patch', a: 'v1.30.9', b: 'v1.31.0', want: -1 },
    { name: 'patch order', a: 'v1.31.4', b: 'v1.31.2', want: 1 },
    { name: 'vendor suffix is equal to the release', a: 'v1.27.1-eks-2f008fe', b: 'v1.27.1', want: 0 },
    { name: 'a prerelease sorts before its release', a: 'v1.32.0-rc.1', b: 'v1.32.0', want: -1 },
  ])('compareVersions: $name', ({ a, b, want }) => {
    expect(compareVersions(v(a), v(b))).toBe(want);
  });

  it('measures minor distance, formats minors and canonical versions', () => {
    expect(minorDistance(v('v1.27.3'), v('v1.31.4'))).toBe(4);
    expect(minorDistance(31, 29)).toBe(-2);
    expect(formatMinor(v('v1.31.4'))).toBe('1.31');
    expect(formatVersion(v('v1.27.1-eks-2f008fe'))).toBe('v1.27.1');
    expect(makeVersion(29, 7)).toEqual({ major: 1, minor: 29, patch: 7, raw: 'v1.29.7' });
  });

  it('picks the oldest and newest of a list', () => {
    const list = ['v1.28.5', 'v1.27.3', 'v1.28.1'].map(v);
    expect(oldestVersion(list).raw).toBe('v1.27.3');
    expect(newestVersion(list).raw).toBe('v1.28.5');
    expect(() => oldestVersion([])).toThrow(/at least one version/);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}
