#!/usr/bin/env node
// Bundles the compiled `plan` command (dist/commands/plan.js) and everything it imports except oclif into that one
// file, after `tsc`: `plan` then loads one module instead of ~930 (resolving, reading and linking them was ~0.4 s of
// a 5,000-node plan's ~5 s). Only `plan` is bundled: it is the command whose start-up counts; the others, and the
// worker-thread entry of the node drivers (located relative to its own module), stay as tsc wrote them.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist/commands/plan.js');
await build({
  entryPoints: [entry],
  outfile: entry,
  allowOverwrite: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // The command class must extend the @oclif/core that bin/run.js loaded.
  external: ['@oclif/core'],
  // CommonJS dependencies of client-node call require(): give the ES module one.
  banner: {
    js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);",
  },
  logLevel: 'warning',
  legalComments: 'none',
});
console.log('dist/commands/plan.js: bundled');
