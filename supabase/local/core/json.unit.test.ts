/** Measuring request JSON's nesting depth without recursing into it. */
import { describe, expect, it } from 'vitest';
import { jsonDepth } from './json.ts';

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
