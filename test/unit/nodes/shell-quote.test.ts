import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellJoin, shellQuote } from '../../../src/nodes/index.js';

/** Runs a command line through a real POSIX shell and returns the words it received (one per line, NUL-free). */
const wordsThroughSh = (line: string): string[] => {
  const out = execFileSync('sh', ['-c', `${line}`], { encoding: 'utf8' });
  return JSON.parse(out) as string[];
};

const NASTY = [
  '',
  ' ',
  'plain',
  'x; rm -rf /',
  "it's",
  "''",
  '"double" and \\backslash\\',
  '$HOME $(id) `id` ${PATH}',
  '*',
  '~',
  'a\nb\n',
  '-n',
  '!event',
  '#comment',
  'tab\there',
  '&& || | < > >> ( ) { } [ ]',
  'kubeadm=1.32.0-*',
  'üñíçødé ✓',
  "'\\''",
];

describe('shellQuote', () => {
  it('leaves plain words alone and quotes everything else', () => {
    expect(shellQuote('kubeadm')).toBe('kubeadm');
    expect(shellQuote('--disableexcludes=kubernetes')).toBe('--disableexcludes=kubernetes');
    expect(shellQuote('')).toBe("''");
    expect(shellQuote('kubeadm=1.32.0-*')).toBe("'kubeadm=1.32.0-*'");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(() => shellQuote('a\0b')).toThrow(/NUL/);
  });

  it('round-trips nasty strings through sh -c, word for word', () => {
    const printer = [process.execPath, '-e', 'process.stdout.write(JSON.stringify(process.argv.slice(1)))'];
    const line = shellJoin([...printer, ...NASTY]);
    expect(wordsThroughSh(line)).toEqual(NASTY);
  });

  it('survives a second level of quoting (sh -c <quoted script>), as ssh remote commands do', () => {
    const printer = [process.execPath, '-e', 'process.stdout.write(JSON.stringify(process.argv.slice(1)))'];
    const inner = shellJoin([...printer, ...NASTY]);
    expect(wordsThroughSh(shellJoin(['sh', '-c', inner]))).toEqual(NASTY);
  });
});
