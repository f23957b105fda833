/** LineSplitter: lines cut from byte chunks, across chunk boundaries and inside multi-byte UTF-8 characters. */
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../../src/cluster/transport/raw-watch.js';

function split(chunks: Buffer[]): string[] {
  const out: string[] = [];
  const s = new LineSplitter((l) => out.push(l));
  for (const c of chunks) s.push(c);
  return out;
}

describe('LineSplitter', () => {
  it('hands over every complete line of a chunk, and skips empty lines', () => {
    expect(split([Buffer.from('{"a":1}\n{"b":2}\n\n{"c":3}\n')])).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
  });

  it('keeps a partial line until the chunk that ends it', () => {
    expect(split([Buffer.from('{"a":'), Buffer.from('1}\n{"b"'), Buffer.from(':2}'), Buffer.from('\n')])).toEqual([
      '{"a":1}',
      '{"b":2}',
    ]);
  });

  it('joins a UTF-8 character split between two chunks', () => {
    const bytes = Buffer.from('{"label":"zürich-é"}\n');
    const at = bytes.indexOf(0xc3) + 1; // inside the two bytes of ü
    expect(split([bytes.subarray(0, at), bytes.subarray(at)])).toEqual(['{"label":"zürich-é"}']);
  });

  it('gives nothing for an unterminated line', () => {
    expect(split([Buffer.from('{"a":1}')])).toEqual([]);
  });
});
