/**
 * The fleet benchmark's availability monitor (run with tsx): test/helpers/availability-monitor.ts on each named
 * context of a sandbox fleet's kubeconfig. Prints `ready` once every monitor has listed its cluster, runs until
 * its stdin closes, then prints one JSON line: per context, its violations (PDB below minimum, workload
 * unavailable, pod lost), the seconds below a PDB's minimum, the pods lost and the monitor's own errors.
 * Usage: tsx bench/lib/fleet-monitor.ts KUBECONFIG TIME_SCALE CONTEXT...
 */
import { KubeConfig } from '@kubernetes/client-node';
import { startAvailabilityMonitor } from '../../test/helpers/availability-monitor.js';

const [kubeconfig, timeScale, ...contexts] = process.argv.slice(2);
const monitors = await Promise.all(
  contexts.map(async (context) => {
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig!);
    kc.setCurrentContext(context);
    return { context, monitor: await startAvailabilityMonitor(kc, { timeScale: Number(timeScale), intervalMs: 250 }) };
  }),
);
process.stdout.write('ready\n');
process.stdin.resume();
await new Promise((r) => process.stdin.on('end', r));
const reports = await Promise.all(
  monitors.map(async ({ context, monitor }) => {
    const r = await monitor.stop();
    return {
      context,
      violations: r.violations.length,
      kinds: r.violations.map((v) => v.kind),
      preexisting: r.preexisting.length,
      pdbSecondsBelow: r.pdbSecondsBelow,
      podsLost: r.podsLost,
      samples: r.samples,
      errors: r.errors.length,
      summary: r.violations.length ? r.format() : '',
    };
  }),
);
process.stdout.write(`${JSON.stringify(reports)}\n`);
process.exit(0);
