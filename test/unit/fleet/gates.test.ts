/** Stage gates: approval from the state, a command's argv run without a shell (exit 0 within its timeout), a URL answering 2xx. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkGate } from '../../../src/fleet/apply/gates.js';

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    res.statusCode = req.url === '/ok' ? 204 : 503;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('stage gates', () => {
  it('approval passes only once approved', async () => {
    expect(await checkGate({ approval: true }, { approved: () => false })).toMatchObject({
      passed: false,
      approval: true,
    });
    expect(await checkGate({ approval: true }, { approved: () => true })).toEqual({ passed: true });
  });
  it('a command passes on exit 0 and fails with its exit code; its argv never goes through a shell', async () => {
    const node = process.execPath;
    expect(await checkGate({ command: [node, '-e', 'process.exit(0)'] }, { approved: () => false })).toEqual({
      passed: true,
    });
    const r = await checkGate(
      { command: [node, '-e', 'console.error("not healthy"); process.exit(3)'] },
      { approved: () => false },
    );
    expect(r).toMatchObject({ passed: false, approval: false });
    expect((r as { reason: string }).reason).toMatch(/exited 3: not healthy/);
    // `;` and `$(…)` reach the program as one plain argument: no shell parses them
    const quoted = await checkGate(
      { command: [node, '-e', 'process.exit(process.argv[1] === "a; exit 7 $(false)" ? 0 : 1)', 'a; exit 7 $(false)'] },
      { approved: () => false },
    );
    expect(quoted).toEqual({ passed: true });
  });
  it('a command past its timeout fails', async () => {
    const r = await checkGate(
      { command: [process.execPath, '-e', 'setTimeout(() => {}, 10000)'], timeout: '200ms' },
      { approved: () => false },
    );
    expect((r as { reason: string }).reason).toMatch(/did not finish within 200ms/);
  });
  it('a URL passes on 2xx and fails otherwise', async () => {
    expect(await checkGate({ url: `${base}/ok` }, { approved: () => false })).toEqual({ passed: true });
    expect(await checkGate({ url: `${base}/bad` }, { approved: () => false })).toMatchObject({
      passed: false,
      reason: expect.stringMatching(/answered 503/),
    });
  });
});
