/**
 * Watch-event accounting, as kube-apiserver's `apiserver_watch_events_total` and `apiserver_watch_events_sizes`
 * (count and byte sum per group, version and kind): what every watch stream sent. Benchmarks read it to see
 * how much of a client's work is decoding watch traffic.
 */
export class WatchStats {
  private readonly totals = new Map<string, { events: number; bytes: number }>();

  record(apiVersion: string, kind: string, bytes: number): void {
    const key = `${apiVersion}\u0000${kind}`;
    const cur = this.totals.get(key);
    if (cur) {
      cur.events++;
      cur.bytes += bytes;
    } else this.totals.set(key, { events: 1, bytes });
  }

  reset(): void {
    this.totals.clear();
  }

  render(): string[] {
    const rows = [...this.totals].map(([k, v]) => {
      const [apiVersion, kind] = k.split('\u0000');
      const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
      return { labels: `group="${group}",kind="${kind}",version="${version}"`, ...v };
    });
    return [
      '# HELP apiserver_watch_events_total [ALPHA] Number of events sent in watch clients',
      '# TYPE apiserver_watch_events_total counter',
      ...rows.map((r) => `apiserver_watch_events_total{${r.labels}} ${r.events}`),
      '# HELP apiserver_watch_events_sizes [ALPHA] Watch event size distribution in bytes (sum and count only)',
      '# TYPE apiserver_watch_events_sizes histogram',
      ...rows.flatMap((r) => [
        `apiserver_watch_events_sizes_sum{${r.labels}} ${r.bytes}`,
        `apiserver_watch_events_sizes_count{${r.labels}} ${r.events}`,
      ]),
    ];
  }
}
