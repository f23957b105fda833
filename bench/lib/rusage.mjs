// Preloaded into a benchmarked CLI process (`node --import bench/lib/rusage.mjs bin/run.js …`): when it exits,
// writes its own peak RSS and CPU time (getrusage, so nothing is missed between samples) as JSON to the file
// named by $BENCH_RUSAGE_FILE.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_RUSAGE_FILE;
if (file)
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(
      file,
      JSON.stringify({ maxRssMB: u.maxRSS / 1024, userS: u.userCPUTime / 1e6, systemS: u.systemCPUTime / 1e6 }),
    );
  });
