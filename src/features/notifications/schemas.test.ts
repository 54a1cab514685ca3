import { describe, expect, it } from 'vitest';
import { preferenceInputSchema, unsubscribeLinkSchema } from './schemas';

const token = 'Vx3kq9P2mN7rT5wY8zA1bC4dE6fG0hJ';

describe("an unsubscribe link's query", () => {
  it('accepts a token and a kind', () => {
    expect(unsubscribeLinkSchema.safeParse({ token, kind: 'quote_ready' }).success).toBe(true);
  });

  it('names a link cut short before anything is sent', () => {
    expect(unsubscribeLinkSchema.safeParse({ token: '', kind: 'quote_ready' }).success).toBe(false);
    expect(unsubscribeLinkSchema.safeParse({ token: token.slice(0, 8), kind: 'quote_ready' }).success).toBe(false);
    expect(unsubscribeLinkSchema.safeParse({ token, kind: '' }).success).toBe(false);
    expect(unsubscribeLinkSchema.safeParse({ token, kind: "quote_ready' or 1=1" }).success).toBe(false);
  });
});

describe('a preference change', () => {
  it('takes one of the three deliveries only', () => {
    expect(preferenceInputSchema.safeParse({ kind: 'answered', delivery: 'daily' }).success).toBe(true);
    expect(preferenceInputSchema.safeParse({ kind: 'answered', delivery: 'weekly' }).success).toBe(false);
  });
});
