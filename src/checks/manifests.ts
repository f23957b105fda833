/**
 * Manifest files (`removed-api-manifest`): every `.yaml`, `.yml` and `.json` file under `--manifests DIR`
 * (recursively; hidden folders and node_modules skipped), every YAML document in it, and the items of
 * `kind: List`, checked against what the target serves. Findings name the file, the document index (from 1)
 * and the object. Unparsable documents (e.g. Helm templates) are reported as `info`, not as errors.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Finding } from '../plan/index.js';
import { obj } from './finding.js';
import {
  hopRange,
  reason,
  removalFindings,
  removalOf,
  sourceUnavailable,
  type RemovalHit,
} from './removed-apis-common.js';
import type { PreflightContext } from './types.js';

export interface ManifestObject {
  /** 1-based index of the YAML document in its file. */
  document: number;
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

const EXTENSIONS = /\.(ya?ml|json)$/i;

/** The Kubernetes objects in a multi-document YAML (or JSON) text, and the documents that did not parse. */
export function scanManifestText(text: string): {
  objects: ManifestObject[];
  errors: { document: number; message: string }[];
} {
  const objects: ManifestObject[] = [];
  const errors: { document: number; message: string }[] = [];
  parseAllDocuments(text).forEach((doc, i) => {
    const document = i + 1;
    if (doc.errors.length > 0) {
      errors.push({ document, message: doc.errors[0]!.message.split('\n')[0]! });
      return;
    }
    collect(doc.toJS(), document, objects);
  });
  return { objects, errors };
}

const collect = (value: unknown, document: number, out: ManifestObject[]): void => {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return;
  const o = value as {
    apiVersion?: unknown;
    kind?: unknown;
    metadata?: { name?: unknown; namespace?: unknown };
    items?: unknown;
  };
  if (typeof o.kind === 'string' && o.kind.endsWith('List') && Array.isArray(o.items)) {
    for (const item of o.items) collect(item, document, out);
    return;
  }
  if (typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') return;
  const name = typeof o.metadata?.name === 'string' ? o.metadata.name : '';
  const namespace = typeof o.metadata?.namespace === 'string' ? o.metadata.namespace : undefined;
  out.push({ document, apiVersion: o.apiVersion, kind: o.kind, name, ...(namespace ? { namespace } : {}) });
};

/** Manifest files under `dir`, sorted, relative paths. */
export async function listManifestFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    const entries = await readdir(d, { withFileTypes: true });
    for (const e of entries) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const full = join(d, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.isFile() && EXTENSIONS.test(e.name)) out.push(relative(dir, full));
    }
  };
  await walk(dir);
  return out.sort();
}

export async function checkRemovedApisManifests(ctx: PreflightContext): Promise<Finding[]> {
  const dir = ctx.manifestsDir;
  if (!dir) return [];
  const range = hopRange(ctx);
  let files: string[];
  try {
    files = await listManifestFiles(dir);
  } catch (e) {
    return [
      sourceUnavailable(
        `--manifests ${dir}`,
        reason(e),
        [obj('File', dir, undefined, reason(e))],
        'Pass an existing, readable directory to --manifests.',
      ),
    ];
  }
  const hits: RemovalHit[] = [];
  const unreadable: { file: string; why: string }[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(join(dir, file), 'utf8');
    } catch (e) {
      unreadable.push({ file, why: reason(e) });
      continue;
    }
    const { objects, errors } = scanManifestText(text);
    for (const err of errors) unreadable.push({ file, why: `document ${err.document}: ${err.message}` });
    for (const o of objects) {
      const api = removalOf(o.apiVersion, o.kind, range, true);
      if (!api) continue;
      const what = `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name || '(unnamed)'}`;
      hits.push({
        api,
        kind: o.kind,
        object: obj('File', file, undefined, `document ${o.document}: ${what} as ${o.apiVersion}`),
      });
    }
  }
  return [
    ...removalFindings(
      'removed-api-manifest',
      'blocker',
      hits,
      ctx.target.minor,
      `used in files under ${dir}`,
      (api, kind) =>
        `Edit each file listed (apiVersion: ${api.groupVersion} → the replacement, with the field changes noted), e.g. with \`kubectl convert\` for ${kind}, and redeploy from them.`,
    ),
    ...(unreadable.length > 0
      ? [
          sourceUnavailable(
            `${unreadable.length} manifest document(s) under ${dir}`,
            'not valid YAML',
            unreadable.map((u) => obj('File', u.file, undefined, u.why)),
            'Render templates first (e.g. `helm template … > out.yaml`) and point --manifests at the rendered files.',
          ),
        ]
      : []),
  ];
}
