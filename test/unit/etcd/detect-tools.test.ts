/** detectTools over a scripted runner: etcdutl preferred, 3.4 with etcdctl only, 3.6 without etcdutl refused, clear install advice. */
import { describe, expect, it } from 'vitest';
import { detectTools, type CommandRunner, type RunResult } from '../../../src/etcd/index.js';

const scripted = (answers: Record<string, RunResult>): CommandRunner & { calls: string[][] } => {
  const calls: string[][] = [];
  return {
    where: 'ssh:cp-1',
    calls,
    run: async (argv, opts) => {
      calls.push([...argv]);
      expect(opts.env).toEqual({ ETCDCTL_API: '3' });
      return answers[argv[0]!] ?? { exitCode: 127, stdout: '', stderr: `${argv[0]}: not found` };
    },
    fetch: async () => undefined,
  };
};
const ok = (stdout: string): RunResult => ({ exitCode: 0, stdout, stderr: '' });

describe('detectTools', () => {
  it('uses etcdctl for everything on 3.4', async () => {
    const r = scripted({ etcdctl: ok('etcdctl version: 3.4.23\nAPI version: 3.4\n') });
    expect(await detectTools(r)).toEqual({ etcdctl: 'etcdctl', version: '3.4.23' });
    expect(r.calls).toEqual([
      ['etcdctl', 'version'],
      ['etcdutl', 'version'],
    ]);
  });

  it('prefers etcdutl when present', async () => {
    const r = scripted({
      etcdctl: ok('etcdctl version: 3.5.17\n'),
      etcdutl: ok('etcdutl version: 3.5.17\nAPI version: 3.5\n'),
    });
    expect(await detectTools(r)).toEqual({ etcdctl: 'etcdctl', etcdutl: 'etcdutl', version: '3.5.17' });
  });

  it('refuses 3.6 without etcdutl', async () => {
    const r = scripted({ etcdctl: ok('etcdctl version: 3.6.1\n') });
    await expect(detectTools(r)).rejects.toMatchObject({
      code: 'TOOL_MISSING',
      message: expect.stringMatching(/install etcdutl 3\.6/),
    });
  });

  it('names the package and where when etcdctl is missing', async () => {
    const err = await detectTools(scripted({})).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'EtcdError', code: 'TOOL_MISSING' });
    expect((err as Error).message).toMatch(/etcdctl was not found \(ssh:cp-1\).*apt-get install etcd-client/s);
  });

  it('refuses a program that is not etcdctl', async () => {
    await expect(detectTools(scripted({ etcdctl: ok('hello') }))).rejects.toMatchObject({
      code: 'TOOL_MISSING',
      message: expect.stringMatching(/printed no version/),
    });
  });
});
