/** Measuring request JSON without recursing into it: nesting depth and NUL escapes. */
import { describe, expect, it } from 'vitest';
import { jsonDepth, jsonHasNul } from './json.ts';

describe('jsonDepth', () => {
  it('counts arrays and objects, not brackets inside strings', () => {
    expect(jsonDepth('1')).toBe(0);
    expect(jsonDepth('{"a":[1,{"b":[]}]}')).toBe(4);
    expect(jsonDepth('{"a":"[[[[{{{{"}')).toBe(1);
    expect(jsonDepth('["\\"[[[", [1]]')).toBe(2);
  });

  it('measures 100,000 levels without overflowing the stack', () => {
    expect(jsonDepth(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)).toBe(100_000);
  });
});

describe('jsonHasNul', () => {
  it('finds \\u0000 in strings, and not an escaped backslash followed by u0000', () => {
    expect(jsonHasNul('{"a":"x\\u0000y"}')).toBe(true);
    expect(jsonHasNul('{"\\u0000":1}')).toBe(true);
    expect(jsonHasNul('{"a":"\\\\u0000"}')).toBe(false);
    expect(jsonHasNul('{"a":"\\u00001"}')).toBe(true);
    expect(jsonHasNul('{"a":"\\u0001"}')).toBe(false);
  });
});
