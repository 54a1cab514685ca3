import { describe, expect, it } from 'vitest';
import { displayNameInputSchema, looksLikeEmail } from './schemas';

describe('display name', () => {
  it('is trimmed and accepted when it is a name', () => {
    expect(displayNameInputSchema.parse({ full_name: '  Riley R.  ' })).toEqual({ full_name: 'Riley R.' });
    expect(displayNameInputSchema.safeParse({ full_name: 'Bob @ ACME' }).success, 'an @ alone is not an address').toBe(true);
  });

  it.each([
    ['riley@example.com', 'Use a name, not an e-mail address: your display name is shown on your reviews.'],
    ['Riley <riley@example.com>', 'Use a name, not an e-mail address: your display name is shown on your reviews.'],
    ['   ', 'Enter the name to show on your reviews.'],
    ['x'.repeat(201), 'Keep your name to 200 characters.'],
  ])('refuses %j with a message saying what is wrong', (fullName, message) => {
    const result = displayNameInputSchema.safeParse({ full_name: fullName });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(message);
  });

  it('spots an address the way the database does', () => {
    expect(looksLikeEmail('a.b+c@mail.example.org')).toBe(true);
    expect(looksLikeEmail('Anna Müller')).toBe(false);
  });
});
