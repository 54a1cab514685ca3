/** The Auth service's pure parts: Go's time format, e-mail rules, and the rate limiters' arithmetic. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuthError } from './errors.ts';
import { IntervalLimiter, SignInFailures, TokenBuckets } from './rate-limit.ts';
import { goTime, validateEmail } from './request.ts';

describe('goTime', () => {
  it("renders Postgres' JSON timestamps as Go does: UTC, trailing zeros trimmed", () => {
    expect(goTime('2026-11-27T00:35:00.544028+00:00')).toBe('2026-11-27T00:35:00.544028Z');
    expect(goTime('2026-11-27T00:35:00.5+00:00')).toBe('2026-11-27T00:35:00.5Z');
    expect(goTime('2026-11-27T00:35:00.120000+00:00')).toBe('2026-11-27T00:35:00.12Z');
    expect(goTime('2026-11-27T00:35:00+00:00')).toBe('2026-11-27T00:35:00Z');
    expect(goTime('2026-11-27T05:35:00.25+05:00')).toBe('2026-11-27T00:35:00.25Z');
    expect(goTime('2026-11-26T19:05:00-05:30')).toBe('2026-11-27T00:35:00Z');
  });

  it('gives nothing for null or unparseable values, so the field is omitted', () => {
    expect(goTime(null)).toBeUndefined();
    expect(goTime('infinity')).toBeUndefined();
  });
});

describe('validateEmail', () => {
  it('lower-cases valid addresses', () => {
    expect(validateEmail('Ada.Lovelace+test@Example.COM')).toBe('ada.lovelace+test@example.com');
  });

  it.each([['no-at-sign'], ['two@@example.com'], ['space in@example.com'], ['trailing@dot.']])(
    'refuses %s with validation_failed',
    (email) => {
      expect(() => validateEmail(email)).toThrow(
        expect.objectContaining({ status: 400, code: 'validation_failed', message: 'Unable to validate email address: invalid format' }),
      );
    },
  );
});

describe('SignInFailures', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('blocks a pair after the limit and frees it once failures age out of the window', () => {
    vi.useFakeTimers();
    const limiter = new SignInFailures(3, 60_000);
    for (let i = 0; i < 3; i += 1) {
      limiter.check('127.0.0.1', 'a@example.com');
      limiter.recordFailure('127.0.0.1', 'A@example.com');
    }
    let blocked: unknown;
    try {
      limiter.check('127.0.0.1', 'a@example.com');
    } catch (error) {
      blocked = error;
    }
    expect(blocked).toBeInstanceOf(AuthError);
    expect(blocked).toMatchObject({ status: 429, code: 'over_request_rate_limit', headers: { 'retry-after': '60' } });
    expect(() => limiter.check('127.0.0.2', 'a@example.com')).not.toThrow();
    expect(() => limiter.check('127.0.0.1', 'b@example.com')).not.toThrow();
    vi.advanceTimersByTime(60_001);
    expect(() => limiter.check('127.0.0.1', 'a@example.com')).not.toThrow();
  });
});

describe('TokenBuckets', () => {
  const rejection = (take: () => void) => {
    try {
      take();
    } catch (error) {
      return error;
    }
    return undefined;
  };

  it('lets a full bucket through, then one request per refill interval, per key', () => {
    let now = 0;
    // 3 per 5 minutes: a bucket of 3, one more every 100 seconds.
    const buckets = new TokenBuckets(3, 300_000, undefined, () => now);
    for (let i = 0; i < 3; i += 1) buckets.take('10.0.0.1');
    expect(rejection(() => buckets.take('10.0.0.1'))).toMatchObject({
      status: 429,
      code: 'over_request_rate_limit',
      message: 'Request rate limit reached',
      headers: { 'retry-after': '100' },
    });
    expect(rejection(() => buckets.take('10.0.0.2'))).toBeUndefined();
    now += 99_000;
    expect(rejection(() => buckets.take('10.0.0.1'))).toBeInstanceOf(AuthError);
    now += 1_000;
    expect(rejection(() => buckets.take('10.0.0.1'))).toBeUndefined();
    expect(rejection(() => buckets.take('10.0.0.1'))).toBeInstanceOf(AuthError);
  });

  it("holds at most GoTrue's burst of 30 however high the limit", () => {
    let now = 0;
    const buckets = new TokenBuckets(150, 300_000, undefined, () => now);
    for (let i = 0; i < 30; i += 1) buckets.take('10.0.0.1');
    expect(rejection(() => buckets.take('10.0.0.1'))).toBeInstanceOf(AuthError);
    now += 2_000; // 150 per 5 minutes is one every 2 seconds
    expect(rejection(() => buckets.take('10.0.0.1'))).toBeUndefined();
  });

  it('forgets refilled buckets when swept', () => {
    let now = 0;
    const buckets = new TokenBuckets(2, 1_000, undefined, () => now);
    buckets.take('a');
    buckets.take('a');
    now += 1_000;
    buckets.sweep();
    expect(rejection(() => buckets.take('a'))).toBeUndefined();
    expect(rejection(() => buckets.take('a'))).toBeUndefined();
  });
});

describe('IntervalLimiter', () => {
  it('allows the events of one interval and starts counting again in the next', () => {
    let now = 0;
    const limiter = new IntervalLimiter(2, 3_600_000, () => now);
    expect([limiter.allow(), limiter.allow(), limiter.allow()]).toEqual([true, true, false]);
    now += 3_599_999;
    expect(limiter.allow()).toBe(false);
    now += 1;
    expect([limiter.allow(), limiter.allow(), limiter.allow()]).toEqual([true, true, false]);
  });
});
