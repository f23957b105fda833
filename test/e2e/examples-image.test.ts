/**
 * examples/in-cluster/Dockerfile without a Docker engine: every path its build stage copies exists and covers what
 * `npm run build` compiles, and the runtime stage's layout — only the paths it copies from the build, laid out as
 * it lays them out, entered through the entrypoint's symlink — runs the CLI.
 */
import { execa } from 'execa';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const DOCKERFILE = readFileSync(resolve('examples/in-cluster/Dockerfile'), 'utf8');
const stages = DOCKERFILE.split(/^FROM /m)
  .slice(1)
  .map((s) => s.split('\n'));
const copies = (lines: string[], from: boolean) =>
  lines
    .filter((l) => l.startsWith('COPY ') && l.includes('--from=') === from)
    .map((l) => l.replace(/^COPY (--from=\S+ )?/, '').split(/\s+/));

describe('examples/in-cluster/Dockerfile', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('builds from Node 20 (the engines floor) and copies only paths that exist, covering what tsc compiles', () => {
    expect(stages).toHaveLength(2);
    expect(stages.map((s) => s[0])).toEqual(['node:20-bookworm-slim AS build', 'node:20-bookworm-slim']);
    const sources = copies(stages[0]!, false).flatMap((parts) => parts.slice(0, -1));
    for (const src of sources) expect(existsSync(resolve(src)), src).toBe(true);
    const tsconfig = JSON.parse(readFileSync(resolve('tsconfig.json'), 'utf8')) as { include: string[] };
    for (const inc of tsconfig.include) expect(sources).toContain(inc.split('/')[0]);
    const build = JSON.parse(readFileSync(resolve('package.json'), 'utf8')).scripts.build as string;
    const scripts = build.match(/scripts\/\S+\.js/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) expect(existsSync(resolve(script)), script).toBe(true);
    expect(sources).toContain('scripts');
  });

  it('the runtime stage’s files alone run the CLI through the entrypoint', async () => {
    const root = mkdtempSync(join(tmpdir(), 'k8s-upgrade-image-'));
    dirs.push(root);
    const app = join(root, 'opt/k8s-upgrade');
    mkdirSync(app, { recursive: true });
    const runtime = copies(stages[1]!, true);
    expect(runtime.length).toBeGreaterThan(0);
    for (const [src, dest] of runtime) {
      const from = resolve(src!.replace(/^\/src\//, ''));
      const to = join(app, dest === './' ? '' : dest!);
      if (src!.endsWith('/node_modules')) symlinkSync(from, to, 'dir');
      else cpSync(from, dest === './' ? join(app, src!.split('/').pop()!) : to, { recursive: true });
    }
    const link = DOCKERFILE.match(/ln -s (\S+) (\S+)/)!;
    const entry = join(root, 'usr/local/bin/k8s-upgrade');
    mkdirSync(join(root, 'usr/local/bin'), { recursive: true });
    symlinkSync(join(root, link[1]!), entry);
    expect(link[2]).toBe('/usr/local/bin/k8s-upgrade');
    const work = join(root, 'work');
    mkdirSync(work);
    const run = (args: string[]) =>
      execa(process.execPath, [entry, ...args], { cwd: work, reject: false, env: { NO_COLOR: '1', HOME: work } });
    const rbac = await run(['rbac', '--plan-only']);
    expect(rbac.exitCode, rbac.stderr).toBe(0);
    expect(rbac.stdout).toMatch(/kind: ClusterRole/);
    const help = await run(['plan', '--help']);
    expect(help.exitCode, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/--to/);
  });
});
