/**
 * Request accounting: `/metrics` in Prometheus text format with `apiserver_requested_deprecated_apis` (the
 * gauge kube-apiserver sets for every deprecated group-version that was requested),
 * `apiserver_request_total`, which benchmarks use to count the API requests a client made, and
 * `sandbox_protobuf_responses_total` (how requests for protobuf were answered) and the watch-event counts and
 * sizes of `watch-stats.ts`.
 */
import type { SandboxCluster } from '../cluster.js';
import type { ResourceDef } from '../api/resources.js';
import { ProtobufStats } from './protobuf/index.js';
import { WatchStats } from './watch-stats.js';

export class RequestMetrics {
  private readonly totals = new Map<string, number>();
  readonly protobuf = new ProtobufStats();
  readonly watch = new WatchStats();

  constructor(private readonly cluster: SandboxCluster) {}

  record(verb: string, group: string, version: string, resource: string, code: number): void {
    const key = `${verb}\u0000${group}\u0000${version}\u0000${resource}\u0000${code}`;
    this.totals.set(key, (this.totals.get(key) ?? 0) + 1);
  }

  /** Notes a request through a deprecated group-version; returns the Warning header text to send. */
  deprecated(def: ResourceDef, version: string, minor: number): string | undefined {
    const v = def.versions.find((x) => x.version === version);
    if (!v?.deprecatedIn || minor < v.deprecatedIn) return undefined;
    const removed = v.removedIn ? `1.${v.removedIn}` : '';
    const key = `${def.group}/${version}/${def.plural}`;
    const cur = this.cluster.deprecatedRequests.get(key);
    if (cur) cur.count++;
    else
      this.cluster.deprecatedRequests.set(key, {
        group: def.group,
        version,
        resource: def.plural,
        removedRelease: removed,
        count: 1,
      });
    const preferred = def.versions[0].version;
    const gv = def.group ? `${def.group}/${version}` : version;
    return `299 - "${gv} ${def.kind} is deprecated in v1.${v.deprecatedIn}+${removed ? `, unavailable in v${removed}+` : ''}; use ${def.group ? `${def.group}/${preferred}` : preferred} ${def.kind}"`;
  }

  /** Requests counted so far, summed by verb and resource (for the admin stats endpoint). */
  summary(): { verb: string; resource: string; count: number }[] {
    const out = new Map<string, number>();
    for (const [k, n] of this.totals) {
      const [verb, , , resource] = k.split('\u0000');
      const key = `${verb} ${resource}`;
      out.set(key, (out.get(key) ?? 0) + n);
    }
    return [...out.entries()].map(([k, count]) => ({ verb: k.split(' ')[0], resource: k.split(' ')[1], count }));
  }

  reset(): void {
    this.totals.clear();
    this.protobuf.reset();
    this.watch.reset();
  }

  render(): string {
    const lines = [
      '# HELP apiserver_requested_deprecated_apis [STABLE] Gauge of deprecated APIs that have been requested, broken out by API group, version, resource, subresource, and removed_release.',
      '# TYPE apiserver_requested_deprecated_apis gauge',
    ];
    for (const d of this.cluster.deprecatedRequests.values()) {
      lines.push(
        `apiserver_requested_deprecated_apis{group="${d.group}",removed_release="${d.removedRelease}",resource="${d.resource}",subresource="",version="${d.version}"} 1`,
      );
    }
    lines.push(
      '# HELP apiserver_request_total [STABLE] Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.',
    );
    lines.push('# TYPE apiserver_request_total counter');
    for (const [k, n] of this.totals) {
      const [verb, group, version, resource, code] = k.split('\u0000');
      lines.push(
        `apiserver_request_total{code="${code}",group="${group}",resource="${resource}",verb="${verb.toUpperCase()}",version="${version}"} ${n}`,
      );
    }
    lines.push(...this.protobuf.render());
    lines.push(...this.watch.render());
    return lines.join('\n') + '\n';
  }
}
