/**
 * Query booleans as kube-apiserver decodes them (apimachinery's Convert_Slice_string_To_bool): absent, `0` and
 * `false` in any case are false; anything else is true — the Python client's `watch=True` included.
 */
import { describe, expect, it } from 'vitest';
import { isWatchUrl, queryBool, queryOptionalBool } from '../../../src/sandbox/api/query.js';

const q = (s: string) => new URLSearchParams(s);

describe('queryBool', () => {
  it.each(['true', 'True', 'TRUE', '1', 't', 'T', 'yes', ''])('watch=%s is true', (v) => {
    expect(queryBool(q(`watch=${v}`), 'watch')).toBe(true);
  });

  it.each(['false', 'False', 'FALSE', 'fAlSe', '0'])('watch=%s is false', (v) => {
    expect(queryBool(q(`watch=${v}`), 'watch')).toBe(false);
  });

  it('an absent parameter is false, and only the first occurrence counts', () => {
    expect(queryBool(q('limit=5'), 'watch')).toBe(false);
    expect(queryBool(q('watch=0&watch=1'), 'watch')).toBe(false);
    expect(queryBool(q('watch=1&watch=0'), 'watch')).toBe(true);
  });

  it('queryOptionalBool tells absent from false', () => {
    expect(queryOptionalBool(q(''), 'sendInitialEvents')).toBeUndefined();
    expect(queryOptionalBool(q('sendInitialEvents=False'), 'sendInitialEvents')).toBe(false);
    expect(queryOptionalBool(q('sendInitialEvents=t'), 'sendInitialEvents')).toBe(true);
  });
});

describe('isWatchUrl', () => {
  it.each([
    ['/api/v1/pods?watch=True', true],
    ['/api/v1/pods?allowWatchBookmarks=1&watch=t', true],
    ['/api/v1/pods?watch=1', true],
    ['/api/v1/pods?watch=false', false],
    ['/api/v1/pods?allowWatchBookmarks=true', false],
    ['/api/v1/pods', false],
    ['/api/v1/pods?nowatch=true', false],
  ])('%s → %s', (url, want) => {
    expect(isWatchUrl(url)).toBe(want);
  });
});
