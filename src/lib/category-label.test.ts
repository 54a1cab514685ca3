import { describe, expect, it } from 'vitest';
import { categoryLabel, categoryNamer, humanizeCode } from './category-label';

describe('category labels', () => {
  const catalogue = [
    { code: 'code_modification', name: 'Code modification' },
    { code: 'upgrade', name: 'Version upgrade' },
  ];

  it("uses the catalogue's name for a code", () => {
    expect(categoryLabel('upgrade', catalogue)).toBe('Version upgrade');
    expect(categoryNamer(catalogue)('code_modification')).toBe('Code modification');
  });

  it('puts a code it cannot look up into words, never showing it raw', () => {
    expect(categoryLabel('code_modification')).toBe('Code modification');
    expect(categoryLabel('retired_category', catalogue)).toBe('Retired category');
    expect(humanizeCode('code_modification')).not.toContain('_');
  });
});
