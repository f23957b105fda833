/**
 * Runs the machine's real `kubectl` against a test sandbox with a fresh discovery cache. On CI (CI=true) a
 * missing kubectl is a failure, not a skip.
 */
import { execa } from 'execa';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';

export function kubectlAvailable(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client=true'], { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    if (process.env.CI === 'true')
      throw new Error('kubectl is not on PATH but CI=true: the kubectl conformance tests must run on CI');
    return false;
  }
}

export function kubectlRunner(kubeconfigPath: string) {
  const cacheDir = mkdtempSync(join(tmpdir(), 'kubectl-cache-'));
  return async (...args: string[]) => {
    const r = await execa('kubectl', args, {
      env: { KUBECONFIG: kubeconfigPath, KUBECACHEDIR: cacheDir, HOME: cacheDir },
      reject: false,
      timeout: 120_000,
    });
    return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode ?? -1 };
  };
}
