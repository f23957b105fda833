// ESLint flat config. Besides the usual TypeScript rules it enforces the module boundaries of DESIGN.md:
// each third-party adapter lives in one folder, the engine never prints, the sandbox is reached only
// through a kubeconfig (product code never imports it), src/cluster/ is imported only through its index, and
// the use cases of src/upgrade/ (plan, run, apply, rollback) keep to their own lanes.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const FOLDERS = [
  'commands',
  'cli',
  'kube',
  'plan',
  'checks',
  'cluster',
  'drain',
  'upgrade',
  'nodes',
  'etcd',
  'fleet',
  'sandbox',
];

/** Import patterns that reach a sibling folder of src/ from inside src/<from>/ (any depth). */
function folderPatterns(targets) {
  return targets.flatMap((t) => [`../${t}/*`, `../../${t}/*`, `../../../${t}/*`, `../${t}`, `../../${t}`]);
}

const thirdParty = {
  client: {
    group: ['@kubernetes/client-node', '@kubernetes/client-node/*'],
    message: '@kubernetes/client-node is used only in src/cluster/ (DESIGN.md: one adapter folder per library).',
  },
  execa: { group: ['execa'], message: 'execa is used only in src/nodes/ and src/etcd/.' },
  listr2: { group: ['listr2'], message: 'listr2 is used only in src/cli/ (the engine emits events, it never prints).' },
  oclif: {
    group: ['@oclif/core', '@oclif/core/*'],
    message: '@oclif/core is used only in src/commands/ and src/cli/.',
  },
  sandbox: {
    group: folderPatterns(['sandbox']),
    message: 'Product code reaches the sandbox only through a kubeconfig; never import src/sandbox/.',
  },
  zod: {
    group: ['zod', 'zod/*'],
    message:
      'zod is used only where the schemas live: src/plan/ (the plan file) and the run-state schema in src/upgrade/.',
  },
};

/** src/cluster/ through its index only: its subfolders (port, adapter, transport, protobuf, caches) are its own. */
const clusterIndexOnly = {
  group: ['../', '../../', '../../../'].flatMap((up) => [`${up}cluster/*`, `!${up}cluster/index.js`]),
  message: 'Import src/cluster/ only through src/cluster/index.js (its subfolders are internal).',
};

/** checks/, drain/ and upgrade/ work on the ClusterClient port; only connect()/clientFor() build the adapter. */
const portOnly = {
  group: ['../', '../../', '../../../'].map((up) => `${up}cluster/index.js`),
  importNames: ['KubeClusterClient'],
  message: 'Depend on the ClusterClient port (or one of its roles), not the adapter class; connect() builds it.',
};

/** Sibling folders of src/upgrade/<use case>/ that it may not import. */
function useCasePatterns(folder, siblings) {
  return {
    group: siblings.flatMap((s) => [`../${s}/*`, `../${s}`]),
    message:
      `src/upgrade/${folder}/ may not import ${siblings.map((s) => `upgrade/${s}/`).join(', ')}: ` +
      'apply and rollback share only run/, and plan loads no executor.',
  };
}

/** Builds a no-restricted-imports rule for one folder (a folder of src/, or a use case: `upgrade/apply`). */
function boundary(folder, { allow = [], forbidFolders = [], extra = [] } = {}) {
  const patterns = Object.entries(thirdParty)
    .filter(([key]) => !allow.includes(key))
    .map(([, p]) => p);
  if (forbidFolders.length > 0) {
    patterns.push({
      group: folderPatterns(forbidFolders),
      message: `src/${folder}/ may not import ${forbidFolders.join(', ')} (DESIGN.md module table).`,
    });
  }
  if (!folder.startsWith('cluster') && !folder.startsWith('sandbox')) patterns.push(clusterIndexOnly);
  if (/^(checks|drain|upgrade|fleet)/.test(folder)) patterns.push(portOnly);
  patterns.push(...extra);
  return {
    files: [`src/${folder}/**/*.ts`],
    rules: { 'no-restricted-imports': ['error', { patterns }] },
  };
}

const others = (...keep) => FOLDERS.filter((f) => !keep.includes(f));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  boundary('commands', { allow: ['oclif'] }),
  boundary('cli', { allow: ['oclif', 'listr2'] }),
  // kube/ holds pure Kubernetes rules: it imports nothing but its own files — no other folder, no library, no
  // node: module (no I/O). Every product folder may import it; the sandbox may not (others('sandbox') below).
  {
    files: ['src/kube/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\./)',
              message:
                'src/kube/ imports only its own files (./*.js): no other folder, library or node: module (DESIGN.md).',
            },
          ],
        },
      ],
    },
  },
  boundary('plan', { allow: ['zod'], forbidFolders: others('plan', 'kube') }),
  boundary('checks', { forbidFolders: ['commands', 'cli', 'upgrade', 'drain', 'nodes', 'etcd'] }),
  boundary('cluster', {
    allow: ['client'],
    forbidFolders: ['commands', 'cli', 'checks', 'drain', 'upgrade', 'nodes', 'etcd'],
  }),
  boundary('drain', { forbidFolders: ['commands', 'cli', 'checks', 'upgrade', 'nodes', 'etcd'] }),
  boundary('upgrade', { forbidFolders: ['commands', 'cli'] }),
  // The use cases: the later entries replace the rule above for their files, so each repeats its folder set.
  ...[
    ['plan', ['run', 'apply', 'rollback']],
    ['run', ['plan', 'apply', 'rollback']],
    ['apply', ['rollback']],
    ['rollback', ['apply', 'plan']],
  ].map(([useCase, siblings]) =>
    boundary(`upgrade/${useCase}`, { forbidFolders: ['commands', 'cli'], extra: [useCasePatterns(useCase, siblings)] }),
  ),
  // The run-state schema is the one place in src/upgrade/ that uses zod.
  {
    ...boundary('upgrade/run', {
      allow: ['zod'],
      forbidFolders: ['commands', 'cli'],
      extra: [useCasePatterns('run', ['plan', 'apply', 'rollback'])],
    }),
    files: ['src/upgrade/**/run-state-schema.ts'],
  },
  // The fleet drives the use cases; it never reaches past them to the checks, drains or the CLI.
  boundary('fleet', { forbidFolders: ['commands', 'cli', 'checks', 'drain', 'etcd'] }),
  {
    ...boundary('fleet', { allow: ['zod'], forbidFolders: ['commands', 'cli', 'checks', 'drain', 'etcd'] }),
    files: ['src/fleet/**/*-schema.ts'],
  },
  boundary('nodes', { allow: ['execa'], forbidFolders: ['commands', 'cli', 'checks', 'drain', 'upgrade', 'etcd'] }),
  boundary('etcd', { allow: ['execa'], forbidFolders: ['commands', 'cli', 'checks', 'drain', 'upgrade', 'nodes'] }),
  // The sandbox is a separate system: it must not borrow the product's logic, or the tests would prove nothing.
  boundary('sandbox', { allow: ['sandbox'], forbidFolders: others('sandbox') }),
  {
    // The engine and libraries never print: they emit events or return data.
    files: ['src/{kube,plan,checks,cluster,drain,upgrade,nodes,etcd}/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    // Only the sandbox's own commands and the demo may start a sandbox in-process.
    files: ['src/commands/sandbox/**/*.ts', 'src/commands/demo.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [thirdParty.client, thirdParty.execa, thirdParty.listr2] }],
    },
  },
);
