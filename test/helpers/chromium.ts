/**
 * Headless Chromium for tests, driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`: no port,
 * no extra dependency): open a page, collect its console errors, uncaught exceptions and failed loads, evaluate
 * expressions in it, take screenshots. A fresh profile in a temp dir each time, every background service off,
 * and the browser is closed (then killed by PID if it lingers). `chromiumMissing()` says why it cannot run here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function chromiumMissing(): string | undefined {
  try {
    accessSync(CHROMIUM, constants.X_OK);
    return undefined;
  } catch {
    return `${CHROMIUM} not installed (apt-get install chromium)`;
  }
}

export interface PageProblems {
  console: string[];
  exceptions: string[];
  log: string[];
}

export interface Browser {
  /** Opens `url` at the given viewport and waits for its load event. */
  open(url: string, viewport: { width: number; height: number }): Promise<void>;
  evaluate<T>(expression: string): Promise<T>;
  /** A PNG of `clip` (page coordinates; beyond the viewport too). */
  screenshot(clip: { x: number; y: number; width: number; height: number }): Promise<Buffer>;
  problems: PageProblems;
  close(): Promise<void>;
}

interface Message {
  id?: number;
  method?: string;
  sessionId?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
}

export async function launchChromium(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'k8s-upgrade-chromium-'));
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-extensions',
    '--disable-default-apps',
    '--hide-scrollbars',
    '--mute-audio',
    `--user-data-dir=${profile}`,
    '--remote-debugging-pipe',
    'about:blank',
  ];
  const child: ChildProcess = spawn(CHROMIUM, args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const toBrowser = child.stdio[3] as Writable;
  const fromBrowser = child.stdio[4] as Readable;
  const pending = new Map<number, { resolve: (r: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  const listeners: ((m: Message) => void)[] = [];
  let nextId = 1;
  let buf = Buffer.alloc(0);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const failAll = (why: string) => {
    for (const p of pending.values()) p.reject(new Error(`${why}\n${stderr}`));
    pending.clear();
  };
  child.once('exit', (code) => failAll(`chromium exited (${code})`));
  child.once('error', (e) => failAll(`chromium did not start: ${e.message}`));
  fromBrowser.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    let i: number;
    while ((i = buf.indexOf(0)) >= 0) {
      const m = JSON.parse(buf.subarray(0, i).toString('utf8')) as Message;
      buf = buf.subarray(i + 1);
      if (m.id !== undefined) {
        const p = pending.get(m.id);
        pending.delete(m.id);
        if (m.error) p?.reject(new Error(m.error.message));
        else p?.resolve(m.result ?? {});
      } else for (const l of listeners) l(m);
    }
  });
  const send = (
    method: string,
    params: Record<string, unknown> = {},
    sessionId?: string,
  ): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      toBrowser.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });
  const problems: PageProblems = { console: [], exceptions: [], log: [] };
  let session: string | undefined;
  listeners.push((m) => {
    if (m.sessionId !== session || !m.params) return;
    if (m.method === 'Runtime.consoleAPICalled' && (m.params.type === 'error' || m.params.type === 'assert')) {
      problems.console.push(
        JSON.stringify(
          (m.params.args as { value?: unknown; description?: string }[]).map((a) => a.value ?? a.description),
        ),
      );
    } else if (m.method === 'Runtime.exceptionThrown') {
      problems.exceptions.push(JSON.stringify(m.params.exceptionDetails));
    } else if (m.method === 'Log.entryAdded') {
      const entry = m.params.entry as { level: string; text: string; url?: string };
      if (entry.level === 'error' || entry.level === 'warning')
        problems.log.push(`${entry.level}: ${entry.text}${entry.url ? ` (${entry.url})` : ''}`);
    }
  });
  const stop = async () => {
    await send('Browser.close').catch(() => undefined);
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    rmSync(profile, { recursive: true, force: true });
  };
  try {
    const { targetId } = (await send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
    ({ sessionId: session } = (await send('Target.attachToTarget', { targetId, flatten: true })) as {
      sessionId: string;
    });
    for (const domain of ['Runtime.enable', 'Log.enable', 'Page.enable']) await send(domain, {}, session);
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    problems,
    async open(url, viewport) {
      await send('Emulation.setDeviceMetricsOverride', { ...viewport, deviceScaleFactor: 1, mobile: false }, session);
      const loaded = new Promise<void>((resolve) =>
        listeners.push((m) => m.sessionId === session && m.method === 'Page.loadEventFired' && resolve()),
      );
      await send('Page.navigate', { url }, session);
      await loaded;
    },
    async evaluate<T>(expression: string) {
      const r = (await send('Runtime.evaluate', { expression, returnByValue: true }, session)) as {
        result: { value: T };
        exceptionDetails?: unknown;
      };
      if (r.exceptionDetails) throw new Error(`evaluate(${expression}) threw: ${JSON.stringify(r.exceptionDetails)}`);
      return r.result.value;
    },
    async screenshot(clip) {
      const { data } = (await send(
        'Page.captureScreenshot',
        { format: 'png', clip: { ...clip, scale: 1 }, captureBeyondViewport: true },
        session,
      )) as { data: string };
      return Buffer.from(data, 'base64');
    },
    close: stop,
  };
}
