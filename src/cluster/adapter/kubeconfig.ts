/**
 * Finds and loads cluster access the way kubectl does: `--kubeconfig FILE` alone when given; otherwise every
 * file of $KUBECONFIG merged (the first file to name a cluster, user or context wins, and the first
 * current-context wins); otherwise ~/.kube/config; otherwise the in-cluster service account. `--context`
 * selects a context that must exist. A file's parse is kept while its size and modification time stay the same
 * (a fleet of 570 clusters in one kubeconfig is parsed once, not once per cluster), and the loaded access holds
 * only the selected context, its cluster and its user (client-node looks them up by a linear scan per request).
 */
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { ClusterAccessError } from '../errors.js';

export interface AccessOptions {
  kubeconfig?: string;
  context?: string;
  /** Defaults to process.env; injectable for tests. */
  env?: NodeJS.ProcessEnv;
}

export interface LoadedAccess {
  kc: KubeConfig;
  /** Where the configuration came from, for messages (never the credentials). */
  source: string;
  context: string;
  server: string;
}

interface ParsedFile {
  stamp: string;
  clusters: KubeConfig['clusters'];
  users: KubeConfig['users'];
  contexts: KubeConfig['contexts'];
  currentContext: string;
}
const parsedFiles = new Map<string, ParsedFile>();

function loadFile(path: string): KubeConfig {
  if (!existsSync(path))
    throw new ClusterAccessError(
      `kubeconfig ${path} does not exist. Pass --kubeconfig FILE, set KUBECONFIG, or run inside a pod.`,
    );
  const kc = new KubeConfig();
  let stamp = '';
  try {
    const st = statSync(path);
    stamp = `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch {
    // unreadable: loadFromFile below says why
  }
  const hit = parsedFiles.get(path);
  if (stamp && hit?.stamp === stamp) {
    kc.loadFromOptions({ ...hit, clusters: [...hit.clusters], users: [...hit.users], contexts: [...hit.contexts] });
    return kc;
  }
  try {
    kc.loadFromFile(path);
  } catch (e) {
    throw new ClusterAccessError(`kubeconfig ${path} cannot be read: ${(e as Error).message}`, { cause: e });
  }
  if (stamp) {
    const { clusters, users, contexts, currentContext } = kc;
    parsedFiles.set(path, {
      stamp,
      clusters: [...clusters],
      users: [...users],
      contexts: [...contexts],
      currentContext,
    });
  }
  return kc;
}

/** kubectl's merge: first definition of each name wins; the first non-empty current-context wins. */
function mergeFiles(paths: string[]): KubeConfig {
  const merged = {
    clusters: [] as KubeConfig['clusters'],
    users: [] as KubeConfig['users'],
    contexts: [] as KubeConfig['contexts'],
    currentContext: '',
  };
  for (const p of paths) {
    const kc = loadFile(p);
    for (const c of kc.clusters) if (!merged.clusters.some((x) => x.name === c.name)) merged.clusters.push(c);
    for (const u of kc.users) if (!merged.users.some((x) => x.name === u.name)) merged.users.push(u);
    for (const c of kc.contexts) if (!merged.contexts.some((x) => x.name === c.name)) merged.contexts.push(c);
    if (!merged.currentContext && kc.currentContext) merged.currentContext = kc.currentContext;
  }
  const kc = new KubeConfig();
  kc.loadFromOptions(merged);
  return kc;
}

export function loadAccess(opts: AccessOptions = {}): LoadedAccess {
  const env = opts.env ?? process.env;
  let kc: KubeConfig;
  let source: string;
  if (opts.kubeconfig) {
    kc = loadFile(opts.kubeconfig);
    source = opts.kubeconfig;
  } else if (env.KUBECONFIG) {
    const files = env.KUBECONFIG.split(delimiter).filter(Boolean);
    kc = mergeFiles(files);
    source = `KUBECONFIG=${env.KUBECONFIG}`;
  } else if (existsSync(join(env.HOME ?? homedir(), '.kube', 'config'))) {
    source = join(env.HOME ?? homedir(), '.kube', 'config');
    kc = loadFile(source);
  } else if (env.KUBERNETES_SERVICE_HOST && env.KUBERNETES_SERVICE_PORT) {
    kc = new KubeConfig();
    kc.loadFromCluster();
    source = 'in-cluster service account';
  } else {
    throw new ClusterAccessError(
      'no cluster access configured: pass --kubeconfig FILE, set KUBECONFIG, create ~/.kube/config, or run inside a pod.',
    );
  }
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) {
      throw new ClusterAccessError(
        `context ${JSON.stringify(opts.context)} is not in ${source} (contexts: ${
          kc
            .getContexts()
            .map((c) => c.name)
            .join(', ') || 'none'
        })`,
      );
    }
    kc.setCurrentContext(opts.context);
  }
  const ctx = kc.getCurrentContext();
  if (!ctx || !kc.getContextObject(ctx))
    throw new ClusterAccessError(`${source} has no current context; pass --context NAME`);
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) throw new ClusterAccessError(`context ${ctx} in ${source} names no cluster with a server URL`);
  const user = kc.getCurrentUser();
  const only = new KubeConfig();
  only.loadFromOptions({
    clusters: [cluster],
    users: user ? [user] : [],
    contexts: [kc.getContextObject(ctx)!],
    currentContext: ctx,
  });
  return { kc: only, source, context: ctx, server: cluster.server };
}
