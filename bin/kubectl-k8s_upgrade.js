#!/usr/bin/env node
// `kubectl k8s-upgrade …`: kubectl runs the executable named kubectl-k8s_upgrade on the PATH (a dash in a plugin
// name is an underscore in its file name). The same CLI as bin/run.js, rooted at this package.
import { execute } from '@oclif/core';

await execute({ dir: new URL('./run.js', import.meta.url).href });
