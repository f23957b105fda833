/**
 * Kubernetes versions as values: a strict parser for the target the user asks for, a lenient one for what
 * clusters report (kubelets, images, vendor builds), and the comparisons the skew policy and the version path
 * need. Kubernetes has only ever had major version 1, so "minor" alone identifies a release line (1.31).
 */
import semver from 'semver';
import { InvalidVersionError, PlanInputError } from './errors.js';

/** A parsed Kubernetes version. Compare with {@link compareVersions}; never with `raw`. */
export interface KubeVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** The text it was parsed from (trimmed), vendor suffix included, e.g. `v1.27.1-eks-2f008fe`. */
  readonly raw: string;
  /** `alpha.N`, `beta.N` or `rc.N` for unreleased builds. Vendor suffixes (`-eks-…`, `+abc`) are not prereleases. */
  readonly prerelease?: string;
}

/** A version, or just the minor number of a 1.x release (31 for 1.31). */
export type MinorLike = KubeVersion | number;

const PRERELEASE = String.raw`(?:alpha|beta|rc)\.(?:0|[1-9]\d*)`;
const NUMBER = String.raw`(0|[1-9]\d*)`;
const STRICT = new RegExp(String.raw`^v?${NUMBER}\.${NUMBER}\.${NUMBER}(?:-(${PRERELEASE}))?$`);
const LENIENT = /^v?(\d+)\.(\d+)\.(\d+)([-+].*)?$/;
const LENIENT_PRERELEASE = new RegExp(String.raw`^-(${PRERELEASE})(?=$|[-+.])`);
const TARGET_EXAMPLE = 'Give a full release such as v1.31.4 (or 1.31.4)';

/**
 * Parses the version a user asks to upgrade to. Strict: `v1.31.4`, `1.31.4` and `v1.32.0-rc.1` are accepted;
 * `v1.31`, `latest`, `stable` and anything else are refused, because a plan must name an exact release.
 */
export const parseTargetVersion = (input: string): KubeVersion => {
  const text = input.trim();
  const m = STRICT.exec(text);
  if (!m) {
    const why = /^v?\d+\.\d+$/.test(text)
      ? 'the patch number is missing'
      : 'it is not a version number (channels like "latest" are not resolved offline)';
    throw new InvalidVersionError(input, `Invalid target version ${JSON.stringify(input)}: ${why}. ${TARGET_EXAMPLE}.`);
  }
  return build(input, text, m[1], m[2], m[3], m[4]);
};

/**
 * Parses a version as a cluster reports it: `v1.30.2`, `v1.27.1-eks-2f008fe`, `v1.30.2+6143dea`,
 * `v1.29.3-gke.100`, `1.28.5`. Vendor suffixes are kept in `raw` only.
 */
export const parseReportedVersion = (input: string): KubeVersion => {
  const text = input.trim();
  const m = LENIENT.exec(text);
  if (!m) {
    throw new InvalidVersionError(
      input,
      `Cannot read a Kubernetes version from ${JSON.stringify(input)}: expected something like v1.30.2 ` +
        '(vendor suffixes such as -eks-2f008fe or +6143dea are fine). Check the node status or image tag it came from.',
    );
  }
  return build(input, text, m[1], m[2], m[3], LENIENT_PRERELEASE.exec(m[4] ?? '')?.[1]);
};

/** Like {@link parseReportedVersion} but returns `undefined` instead of throwing (for checks that report findings). */
export const tryParseReportedVersion = (input: string): KubeVersion | undefined => {
  try {
    return parseReportedVersion(input);
  } catch {
    return undefined;
  }
};

/** Reads the version from an image reference's tag: `registry.k8s.io/kube-apiserver:v1.30.2[@sha256:…]`. */
export const parseImageVersion = (image: string): KubeVersion => {
  const withoutDigest = image.trim().split('@')[0] ?? '';
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  if (colon < 0) {
    throw new InvalidVersionError(
      image,
      `Image ${JSON.stringify(image)} has no tag to read a version from; expected e.g. registry.k8s.io/kube-proxy:v1.30.2.`,
    );
  }
  return parseReportedVersion(withoutDigest.slice(colon + 1));
};

/** Builds the canonical version 1.minor.patch (`raw` is `v1.minor.patch`). */
export const makeVersion = (minor: number, patch = 0, prerelease?: string): KubeVersion => {
  const base = { major: 1, minor, patch, raw: '' };
  const v: KubeVersion = prerelease ? { ...base, prerelease } : base;
  return { ...v, raw: formatVersion(v) };
};

/** Orders versions (-1, 0, 1); a prerelease sorts before its release. Usable as an `Array.prototype.sort` callback. */
export const compareVersions = (a: KubeVersion, b: KubeVersion): number => {
  // Numbers first (thousands of kubelets are compared in a plan); semver only to order prereleases.
  const d = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (d !== 0) return Math.sign(d);
  if ((a.prerelease ?? '') === (b.prerelease ?? '')) return 0;
  return semver.compare(toSemver(a), toSemver(b));
};

/** Orders by minor only (1.31.0 and 1.31.9 are equal here): the skew policy counts minors. */
export const compareMinors = (a: MinorLike, b: MinorLike): number => Math.sign(minorOf(a) - minorOf(b));

/** How many minors `to` is ahead of `from` (negative when behind): 1.27.3 → 1.31.0 is 4. */
export const minorDistance = (from: MinorLike, to: MinorLike): number => minorOf(to) - minorOf(from);

export const isSameMinor = (a: MinorLike, b: MinorLike): boolean => minorOf(a) === minorOf(b);

/** The minor number of a 1.x version. */
export const minorOf = (v: MinorLike): number => (typeof v === 'number' ? v : v.minor);

/** "1.31" */
export const formatMinor = (v: MinorLike): string => `1.${minorOf(v)}`;

/** Canonical form without vendor suffix: "v1.31.4", "v1.32.0-rc.1". */
export const formatVersion = (v: KubeVersion): string =>
  `v${v.major}.${v.minor}.${v.patch}${v.prerelease ? `-${v.prerelease}` : ''}`;

/** The oldest of a non-empty list. */
export const oldestVersion = (versions: readonly KubeVersion[]): KubeVersion => pick(versions, -1);

/** The newest of a non-empty list. */
export const newestVersion = (versions: readonly KubeVersion[]): KubeVersion => pick(versions, 1);

const pick = (versions: readonly KubeVersion[], sign: 1 | -1): KubeVersion => {
  const [first, ...rest] = versions;
  if (!first) throw new PlanInputError('INVALID_PLAN_INPUT', 'Expected at least one version, got none.');
  return rest.reduce((best, v) => (compareVersions(v, best) * sign > 0 ? v : best), first);
};

const toSemver = (v: KubeVersion): string => formatVersion(v).slice(1);

const build = (
  input: string,
  raw: string,
  major?: string,
  minor?: string,
  patch?: string,
  pre?: string,
): KubeVersion => {
  const [maj, min, pat] = [Number(major), Number(minor), Number(patch)];
  if (maj !== 1) {
    throw new InvalidVersionError(
      input,
      `Unsupported Kubernetes version ${JSON.stringify(input)}: only 1.x releases exist. ${TARGET_EXAMPLE}.`,
    );
  }
  const v = { major: maj, minor: min, patch: pat, raw };
  return pre ? { ...v, prerelease: pre } : v;
};
