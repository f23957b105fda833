#!/usr/bin/env node
// Writes oclif.manifest.json after `tsc` (what `oclif manifest` does): with it, oclif finds a command and its
// flags without importing every command module, so `k8s-upgrade plan` loads only what `plan` needs (not the
// sandbox, apply or rollback). oclif ignores the manifest in development (bin/dev.js), so it cannot go stale there.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Plugin } from '@oclif/core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const plugin = new Plugin({ root, type: 'core', isRoot: true, ignoreManifest: true, errorOnManifestCreate: true });
await plugin.load();
writeFileSync(join(root, 'oclif.manifest.json'), `${JSON.stringify(plugin.manifest, null, 2)}\n`);
console.log(`oclif.manifest.json: ${Object.keys(plugin.manifest.commands).length} commands`);
