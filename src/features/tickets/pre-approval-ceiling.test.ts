import { describe, expect, it } from 'vitest';
import { shownCeiling } from './pre-approval-ceiling';

describe('the pre-approval ceiling shown in the new-ticket form', () => {
  it('shows the default once it arrives while the field is untouched', () => {
    expect(shownCeiling(undefined, undefined), 'still loading').toBe('');
    expect(shownCeiling(undefined, 20)).toBe('20');
    expect(shownCeiling(undefined, null), 'no default configured').toBe('');
  });

  it('keeps a ceiling typed before the default arrives', () => {
    const typedWhileLoading = shownCeiling('7', undefined);
    expect(typedWhileLoading).toBe('7');
    expect(shownCeiling('7', 20), 'the default arriving later does not replace it').toBe('7');
  });

  it('keeps a field the customer emptied empty', () => {
    expect(shownCeiling('', 20)).toBe('');
  });
});
