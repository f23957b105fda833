// ESLint flat config. Besides the usual TypeScript rules it enforces the module boundaries of DESIGN.md:
// each third-party adapter lives in one folder, the engine never prints, and the sandbox is reached only
// through a kubeconfig (product code never imports it).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const FOLDERS = ['commands', 'cli', 'plan', 'checks', 'cluster', 'drain', 'upgrade', 'nodes', 'etcd', 'sandbox'];

/** Import patterns that reach a sibling folder of src/ from inside src/<from>/ (any depth). */
function folderPatterns(targets) {
  return targets.flatMap((t) => [`../${t}/*`, `../../${t}/*`, `../../../${t}/*`, `../${t}`, `../../${t}`]);
}

const thirdParty = {
  client: { group: ['@kubernetes/client-node', '@kubernetes/client-node/*'], message: '@kubernetes/client-node is used only in src/cluster/ (DESIGN.md: one adapter folder per library).' },
  execa: { group: ['execa'], message: 'execa is used only in src/nodes/ and src/etcd/.' },
  listr2: { group: ['listr2'], message: 'listr2 is used only in src/cli/ (the engine emits events, it never prints).' },
  oclif: { group: ['@oclif/core', '@oclif/core/*'], message: '@oclif/core is used only in src/commands/ and src/cli/.' },
  sandbox: { group: folderPatterns(['sandbox']), message: 'Product code reaches the sandbox only through a kubeconfig; never import src/sandbox/.' },
  zod: { group: ['zod', 'zod/*'], message: 'zod is used only where the schemas live: src/plan/ (the plan file) and the run-state schema in src/upgrade/.' },
};

/** Builds a no-restricted-imports rule for one folder. */
function boundary(folder, { allow = [], forbidFolders = [] } = {}) {
  const patterns = Object.entries(thirdParty)
    .filter(([key]) => !allow.includes(key))
    .map(([, p]) => p);
  if (forbidFolders.length > 0) {
    patterns.push({ group: folderPatterns(forbidFolders), message: `src/${folder}/ may not import ${forbidFolders.join(', ')} (DESIGN.md module table).` });
  }
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
  boundary('plan', { allow: ['zod'], forbidFolders: others('plan') }),
  boundary('checks', { forbidFolders: ['commands', 'cli', 'upgrade', 'drain', 'nodes', 'etcd'] }),
  boundary('cluster', { allow: ['client'], forbidFolders: ['commands', 'cli', 'checks', 'drain', 'upgrade', 'nodes', 'etcd'] }),
  boundary('drain', { forbidFolders: ['commands', 'cli', 'checks', 'upgrade', 'nodes', 'etcd'] }),
  boundary('upgrade', { forbidFolders: ['commands', 'cli'] }),
  // The run-state schema (wherever the upgrade layout puts it) is the one place in src/upgrade/ that uses zod.
  { ...boundary('upgrade', { allow: ['zod'], forbidFolders: ['commands', 'cli'] }), files: ['src/upgrade/**/run-state-schema.ts'] },
  boundary('nodes', { allow: ['execa'], forbidFolders: ['commands', 'cli', 'checks', 'drain', 'upgrade', 'etcd'] }),
  boundary('etcd', { allow: ['execa'], forbidFolders: ['commands', 'cli', 'checks', 'drain', 'upgrade', 'nodes'] }),
  // The sandbox is a separate system: it must not borrow the product's logic, or the tests would prove nothing.
  boundary('sandbox', { allow: ['sandbox'], forbidFolders: others('sandbox') }),
  {
    // The engine and libraries never print: they emit events or return data.
    files: ['src/{plan,checks,cluster,drain,upgrade,nodes,etcd}/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    // Only the sandbox's own commands and the demo may start a sandbox in-process.
    files: ['src/commands/sandbox/**/*.ts', 'src/commands/demo.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [thirdParty.client, thirdParty.execa, thirdParty.listr2] }] },
  },
);
