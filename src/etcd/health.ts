/**
 * `etcdctl endpoint health -w json` for a preflight check and to pick the member a snapshot is taken from.
 * One call for all endpoints; a dead endpoint is reported, not thrown.
 */
import { ETCDCTL_ENV, endpointHealthArgv } from './argv.js';
import { detectTools } from './detect-tools.js';
import { EtcdError, outputTail } from './errors.js';
import { parseEndpointHealth, type EndpointHealth } from './parse.js';
import type { CommandRunner, EtcdConnection, EtcdTools } from './types.js';

export type { EndpointHealth } from './parse.js';

export interface EndpointHealthOptions {
  tools?: EtcdTools;
  /** Overall limit for the etcdctl process (default 30 s). */
  timeoutMs?: number;
  /** Per-endpoint limit (etcdctl `--command-timeout`, default 5 s). */
  endpointTimeoutMs?: number;
  signal?: AbortSignal;
}

const sameEndpoint = (a: string, b: string): boolean => a.replace(/^\w+:\/\//, '') === b.replace(/^\w+:\/\//, '');

export async function endpointHealth(
  conn: EtcdConnection,
  runner: CommandRunner,
  opts: EndpointHealthOptions = {},
): Promise<EndpointHealth[]> {
  const tools = opts.tools ?? (await detectTools(runner, { signal: opts.signal }));
  const perEndpoint = opts.endpointTimeoutMs ?? 5_000;
  const argv = endpointHealthArgv(tools, conn, {
    dialTimeoutMs: Math.min(perEndpoint, 3_000),
    commandTimeoutMs: perEndpoint,
  });
  const r = await runner.run(argv, { timeoutMs: opts.timeoutMs ?? 30_000, signal: opts.signal, env: ETCDCTL_ENV });
  if (r.timedOut || r.aborted) {
    throw new EtcdError(
      `etcd health check (${runner.where}) ${r.aborted ? 'was aborted' : 'did not finish in time and was killed'}; check that the endpoints ${conn.endpoints.join(', ')} are reachable from there.`,
      'UNHEALTHY',
    );
  }
  // etcdctl exits 1 when any endpoint is unhealthy but still prints the JSON for every one.
  const parsed = parseEndpointHealth(r.stdout);
  if (!parsed) {
    throw new EtcdError(
      `etcd health check (${runner.where}) failed with exit code ${r.exitCode} and printed no result; check the endpoints and the certificate paths (cacert/cert/key).${outputTail(r.stderr)}`,
      'UNHEALTHY',
    );
  }
  return conn.endpoints.map((endpoint, i) => {
    const found =
      parsed.find((p) => p.endpoint === endpoint) ??
      parsed.find((p) => sameEndpoint(p.endpoint, endpoint)) ??
      parsed[i];
    return found ? { ...found, endpoint } : { endpoint, healthy: false, error: 'not reported by etcdctl' };
  });
}
