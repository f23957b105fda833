/**
 * Plans never hold credentials: they are committed, attached to CI runs and pasted into reviews. This scan
 * runs over the raw document (before the schema, so unknown keys are covered too) and finds:
 * - keys named like a secret anywhere (`token`, `password`, `client-key-data`, `privateKey`, `apiKey`, …,
 *   compared without case, `-` or `_`, and as a suffix: `sshPassword`, `bearer_token`);
 * - private-key material (`-----BEGIN … PRIVATE KEY-----`) and `Bearer …` values in any string;
 * - a password in a URL (`https://user:secret@host`);
 * - secret-bearing flags in argv arrays (`--token x`, `--password=x`).
 * A path to a key (`identityFile: ~/.ssh/id_ed25519`) is not a credential.
 */
import type { PlanFileProblem } from './plan-file-errors.js';

/** Normalised (lower case, no `-`/`_`) key names, matched exactly or as a suffix. */
const SECRET_KEYS = [
  'token',
  'password',
  'passwd',
  'passphrase',
  'secret',
  'clientkeydata',
  'clientcertificatedata',
  'privatekey',
  'privatekeydata',
  'apikey',
  'accesskey',
  'accesskeyid',
  'secretkey',
  'credential',
  'credentials',
  'authorization',
  'bearer',
  'cookie',
];

const PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;
const BEARER = /^\s*bearer\s+\S{8,}/i;
const URL_PASSWORD = /[a-z][a-z0-9+.-]{0,31}:\/\/[^\s/@:]{0,256}:[^\s/@]{1,1024}@/i;
const SECRET_FLAG = /^--?(?:[a-z0-9]+-)*(?:token|password|passwd|secret|api-key)(?:=|$)/i;

const normalise = (key: string): string => key.toLowerCase().replace(/[-_]/g, '');

const isSecretKey = (key: string): boolean => {
  const k = normalise(key);
  return SECRET_KEYS.some((s) => k === s || k.endsWith(s));
};

const joinPath = (base: string, key: string): string =>
  /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? (base === '' ? key : `${base}.${key}`) : `${base}[${JSON.stringify(key)}]`;

/** Every credential-looking thing in a parsed document, with its path. */
export const findCredentials = (value: unknown): PlanFileProblem[] => {
  const out: PlanFileProblem[] = [];
  const walk = (v: unknown, path: string): void => {
    if (typeof v === 'string') {
      const where = path === '' ? '(root)' : path;
      if (PRIVATE_KEY.test(v)) out.push({ path: where, message: 'holds private-key material' });
      else if (BEARER.test(v)) out.push({ path: where, message: 'holds a bearer token' });
      else if (URL_PASSWORD.test(v)) out.push({ path: where, message: 'holds a URL with a password in it' });
      return;
    }
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        const prev = v[i - 1];
        if (typeof item === 'string' && typeof prev === 'string' && SECRET_FLAG.test(prev) && !prev.includes('=')) {
          out.push({ path: `${path}[${i}]`, message: `is the value of ${prev}, a secret passed on the command line` });
        } else if (typeof item === 'string' && SECRET_FLAG.test(item) && item.includes('=')) {
          out.push({ path: `${path}[${i}]`, message: `passes a secret on the command line (${item.split('=')[0]}=…)` });
        } else {
          walk(item, `${path}[${i}]`);
        }
      });
      return;
    }
    if (v !== null && typeof v === 'object') {
      for (const [key, child] of Object.entries(v as Record<string, unknown>)) {
        const p = joinPath(path, key);
        if (isSecretKey(key)) out.push({ path: p, message: `"${key}" looks like a credential` });
        else walk(child, p);
      }
    }
  };
  walk(value, '');
  return out;
};

export const CREDENTIALS_ADVICE =
  'Plans never hold credentials (they are committed and shared): remove them, rotate anything that leaked, ' +
  'and give credentials at apply time (--kubeconfig, an ssh agent or identity file, the environment of an exec driver).';
