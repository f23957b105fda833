// A node driver that takes a while, for the interrupt tests: `slow-driver.mjs MS PROGRAM ARGS...` waits MS
// milliseconds (`@FILE`: the number in FILE, 0 when it is missing, so a test can change it under one plan),
// then runs PROGRAM (no shell) and exits with its code. With SLOW_DRIVER_PIDS=<file> it appends its pid to
// that file first, so a test can tell whether it is still running.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';

const [delay, file, ...args] = process.argv.slice(2);
const ms = delay.startsWith('@')
  ? existsSync(delay.slice(1))
    ? readFileSync(delay.slice(1), 'utf8').trim()
    : '0'
  : delay;
if (process.env.SLOW_DRIVER_PIDS) appendFileSync(process.env.SLOW_DRIVER_PIDS, `${process.pid}\n`);
console.log(`slow driver: waiting ${ms} ms before ${file}`);
await new Promise((r) => setTimeout(r, Number(ms)));
const r = spawnSync(file, args, { stdio: 'inherit' });
process.exit(r.status ?? 1);
