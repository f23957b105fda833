/**
 * Reading a fleet file from disk: at most `maxBytes` (default 4 MiB), no NUL byte (not a text file), one YAML
 * document with unique keys, then `validateFleetDocument`, then access: each kubeconfig path resolved relative to
 * the fleet file's folder and read once (YAML, its contexts), each cluster's context present in it (or a current
 * context when none is named). A context without a kubeconfig is looked up the way kubectl does ($KUBECONFIG, else
 * ~/.kube/config). Every problem is a `FleetFileError` naming its path; nothing is written.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import YAML from 'yaml';
import { FleetFileError, fleetFileInvalid, type FleetFileProblem } from './fleet-file-errors.js';
import type { FleetFile } from './fleet-file-types.js';
import { validateFleetDocument } from './fleet-file-validate.js';

export const FLEET_FILE_MAX_BYTES = 4 * 1024 * 1024;

export interface ReadFleetOptions {
  maxBytes?: number;
  /** Defaults to process.env (for $KUBECONFIG and HOME). */
  env?: NodeJS.ProcessEnv;
}

/** A fleet file as read: kubeconfig paths absolute, and what identifies the file's bytes. */
export interface LoadedFleet {
  fleet: FleetFile;
  /** Absolute path of the fleet file. */
  path: string;
  /** `sha256:<hex>` of its bytes. */
  hash: string;
  warnings: FleetFileProblem[];
}

const readProblem = (path: string, message: string, cause?: unknown) =>
  new FleetFileError('FLEET_READ', `Cannot read the fleet file ${path}: ${message}.`, [{ path: '(root)', message }], {
    cause,
  });

export function readFleetFile(file: string, options: ReadFleetOptions = {}): LoadedFleet {
  const path = resolve(file);
  const maxBytes = options.maxBytes ?? FLEET_FILE_MAX_BYTES;
  let bytes: Buffer;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw readProblem(path, 'not a regular file');
    if (st.size > maxBytes) throw readProblem(path, `${st.size} bytes, more than the limit of ${maxBytes}`);
    bytes = readFileSync(path);
  } catch (e) {
    if (e instanceof FleetFileError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw readProblem(path, code === 'ENOENT' ? 'no such file' : (e as Error).message, e);
  }
  if (bytes.length > maxBytes) throw readProblem(path, `more than the limit of ${maxBytes} bytes`);
  if (bytes.includes(0)) throw readProblem(path, 'it holds a NUL byte (a binary file, not YAML)');
  const value = parseYaml(bytes.toString('utf8'), path);
  const checked = validateFleetDocument(value);
  if (!checked.fleet) throw fleetFileInvalid(path, checked.problems);
  const fleet = resolveAccess(checked.fleet, dirname(path));
  const access = accessProblems(fleet, options.env ?? process.env);
  if (access.length) throw fleetFileInvalid(path, access);
  return {
    fleet,
    path,
    hash: `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
    warnings: checked.warnings,
  };
}

function parseYaml(text: string, path: string): unknown {
  const docs = YAML.parseAllDocuments(text, { prettyErrors: true, uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [docs];
  if (list.length > 1)
    throw new FleetFileError('FLEET_PARSE', `Fleet file ${path} holds ${list.length} YAML documents; write one.`, [
      { path: '(root)', message: `${list.length} YAML documents, expected one` },
    ]);
  const doc = list[0];
  const errors = doc?.errors ?? [];
  if (errors.length > 0) {
    const problems = errors.map((e) => ({
      path: e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '(root)',
      message: e.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? e.message,
    }));
    throw new FleetFileError(
      'FLEET_PARSE',
      `Fleet file ${path} is not valid YAML:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`,
      problems,
    );
  }
  let value: unknown;
  try {
    value = doc?.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new FleetFileError('FLEET_PARSE', `Fleet file ${path} cannot be read: ${(e as Error).message}`, [], {
      cause: e,
    });
  }
  if (value === null || value === undefined)
    throw new FleetFileError('FLEET_PARSE', `Fleet file ${path} is empty: write a kind: Fleet document.`, [
      { path: '(root)', message: 'empty document' },
    ]);
  return value;
}

/** Kubeconfig paths (and `~/`) made absolute against the fleet file's folder. */
function resolveAccess(fleet: FleetFile, base: string): FleetFile {
  const abs = (p: string) => {
    const home = p.replace(/^~(?=\/)/, homedir());
    return isAbsolute(home) ? home : resolve(base, home);
  };
  return {
    ...fleet,
    clusters: fleet.clusters.map((c) => (c.kubeconfig ? { ...c, kubeconfig: abs(c.kubeconfig) } : c)),
  };
}

interface Kubeconfig {
  contexts: Set<string>;
  current?: string;
}

/** One kubeconfig file's context names and current context, or why it cannot be used. */
function readKubeconfig(path: string): Kubeconfig | string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return `cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message}`;
  }
  let doc: unknown;
  try {
    doc = YAML.parse(text, { maxAliasCount: 100 });
  } catch (e) {
    return `${path} is not a kubeconfig (not YAML: ${(e as Error).message.split('\n')[0]})`;
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return `${path} is not a kubeconfig`;
  const d = doc as { contexts?: unknown; 'current-context'?: unknown };
  const contexts = new Set<string>();
  for (const c of Array.isArray(d.contexts) ? d.contexts : [])
    if (c && typeof (c as { name?: unknown }).name === 'string') contexts.add((c as { name: string }).name);
  const current = typeof d['current-context'] === 'string' && d['current-context'] ? d['current-context'] : undefined;
  return { contexts, current };
}

/** kubectl's default files: every file of $KUBECONFIG that exists, else ~/.kube/config. */
function defaultKubeconfigs(env: NodeJS.ProcessEnv): string[] {
  if (env.KUBECONFIG) return env.KUBECONFIG.split(delimiter).filter(Boolean);
  const home = join(env.HOME ?? homedir(), '.kube', 'config');
  return existsSync(home) ? [home] : [];
}

function accessProblems(fleet: FleetFile, env: NodeJS.ProcessEnv): FleetFileProblem[] {
  const cache = new Map<string, Kubeconfig | string>();
  const load = (p: string) => {
    let k = cache.get(p);
    if (k === undefined) cache.set(p, (k = readKubeconfig(p)));
    return k;
  };
  const problems: FleetFileProblem[] = [];
  fleet.clusters.forEach((c, i) => {
    const files = c.kubeconfig ? [c.kubeconfig] : defaultKubeconfigs(env);
    if (files.length === 0) {
      problems.push({
        path: `clusters[${i}]`,
        message: `cluster "${c.name}" names no kubeconfig, and there is no $KUBECONFIG or ~/.kube/config to find context "${c.context}" in`,
      });
      return;
    }
    const loaded = files.map(load);
    const bad = loaded.find((k): k is string => typeof k === 'string');
    if (bad !== undefined) {
      problems.push({ path: c.kubeconfig ? `clusters[${i}].kubeconfig` : `clusters[${i}].context`, message: bad });
      return;
    }
    const configs = loaded as Kubeconfig[];
    const source = files.join(delimiter);
    if (c.context !== undefined) {
      if (!configs.some((k) => k.contexts.has(c.context as string))) {
        const names = [...new Set(configs.flatMap((k) => [...k.contexts]))];
        const shown = names.slice(0, 8).join(', ') + (names.length > 8 ? `, … (${names.length})` : '');
        problems.push({
          path: `clusters[${i}].context`,
          message: `context "${c.context}" is not in ${source} (contexts: ${shown || 'none'})`,
        });
      }
    } else if (!configs.some((k) => k.current !== undefined && k.contexts.has(k.current))) {
      problems.push({
        path: `clusters[${i}].kubeconfig`,
        message: `${source} has no current context: name the cluster's context`,
      });
    }
  });
  return problems;
}
