/**
 * GoTrue's rate limits (`internal/api/apilimiter`), in memory like GoTrue's:
 *
 * - per client IP, token buckets that refill at `[auth.rate_limit]` N requests per 5 minutes:
 *   `sign_in_sign_ups` for /signup, /recover and PUT /user, `token_verifications` for /verify,
 *   `token_refresh` for every /token grant (password sign-ins included). GoTrue's buckets hold 30
 *   requests whatever N is; a bucket here holds min(N, 30), so a limit under 30 means what it says;
 *   `anonymous_users` anonymous sign-ins an hour per client IP;
 *   MFA challenges and verifications, each 15 a minute after a burst of 30, as GoTrue's defaults;
 * - per project, `email_sent` e-mails per hour, counted in fixed hours (GoTrue's IntervalLimiter), when
 *   sign-ups must be confirmed (see `allowEmail` in mail.ts for that and `max_frequency` per address);
 * - per client IP and address, failed password sign-ins (not in GoTrue): 30 wrong passwords (fewer if
 *   `sign_in_sign_ups` is lower) for one address from one IP block that pair until they age out of 5
 *   minutes. Keyed by IP, so whoever guesses from elsewhere never locks out the owner.
 *
 * The client IP is what the gateway determined (the socket's peer, or the address a trusted proxy
 * forwarded), never a header the client wrote itself.
 */
import { AuthError } from './errors.ts';
import type { RateLimits } from '../core/project-config.ts';

const FIVE_MINUTES_MS = 5 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;
/** GoTrue's `SetBurst(30)`. */
const MAX_BURST = 30;

export const tooManyRequests = (retryAfterSeconds: number) =>
  new AuthError(429, 'over_request_rate_limit', 'Request rate limit reached', {}, {
    'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))),
  });

export const emailRateLimitExceeded = () =>
  new AuthError(429, 'over_email_send_rate_limit', 'Email rate limit exceeded');

interface Bucket {
  tokens: number;
  at: number;
}

/** One token bucket per key: `burst` requests at once, then `perWindow` per `windowMs`. */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly refillPerMs: number;

  constructor(
    perWindow: number,
    windowMs: number,
    private readonly burst = Math.min(perWindow, MAX_BURST),
    private readonly now: () => number = Date.now,
  ) {
    this.refillPerMs = perWindow / windowMs;
  }

  /** Takes one token for `key`, or throws 429 when its bucket is empty. */
  take(key: string): void {
    const now = this.now();
    const bucket = this.level(key, now);
    if (bucket.tokens < 1) {
      const waitMs = this.refillPerMs > 0 ? (1 - bucket.tokens) / this.refillPerMs : FIVE_MINUTES_MS;
      throw tooManyRequests(waitMs / 1000);
    }
    this.buckets.set(key, { tokens: bucket.tokens - 1, at: now });
  }

  /** Forgets buckets that have refilled: they are the same as none. */
  sweep(): void {
    const now = this.now();
    for (const key of [...this.buckets.keys()]) {
      if (this.level(key, now).tokens >= this.burst) this.buckets.delete(key);
    }
  }

  private level(key: string, now: number): Bucket {
    const bucket = this.buckets.get(key);
    if (!bucket) return { tokens: this.burst, at: now };
    const tokens = Math.min(this.burst, bucket.tokens + (now - bucket.at) * this.refillPerMs);
    return { tokens, at: now };
  }
}

/** GoTrue's IntervalLimiter: `events` per fixed interval, counted from when the limiter started. */
export class IntervalLimiter {
  private start: number;
  private count = 0;

  constructor(
    private readonly events: number,
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.start = now();
  }

  allow(): boolean {
    const elapsed = this.now() - this.start;
    const intervals = Math.floor(elapsed / this.intervalMs);
    if (intervals > 0) {
      this.start += intervals * this.intervalMs;
      this.count = 0;
    }
    if (this.count >= this.events) return false;
    this.count += 1;
    return true;
  }
}

/** Wrong passwords per client IP and address over a sliding window. */
export class SignInFailures {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs = FIVE_MINUTES_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Throws 429 `over_request_rate_limit` when the pair has used up its failures. */
  check(ip: string, email: string): void {
    const recent = this.recent(key(ip, email));
    if (recent.length < this.limit) return;
    throw tooManyRequests((recent[0]! + this.windowMs - this.now()) / 1000);
  }

  recordFailure(ip: string, email: string): void {
    const k = key(ip, email);
    this.failures.set(k, [...this.recent(k), this.now()]);
  }

  sweep(): void {
    for (const k of [...this.failures.keys()]) this.recent(k);
  }

  private recent(k: string): number[] {
    const since = this.now() - this.windowMs;
    const kept = (this.failures.get(k) ?? []).filter((at) => at > since);
    if (kept.length) this.failures.set(k, kept);
    else this.failures.delete(k);
    return kept;
  }
}

const key = (ip: string, email: string) => `${ip}\n${email.trim().toLowerCase()}`;

/** Failed sign-ins allowed per client IP and address every 5 minutes, at most. */
export const SIGN_IN_FAILURES_PER_ADDRESS = 30;

export type RequestLimit = 'signInSignUps' | 'tokenVerifications' | 'tokenRefresh' | 'factorChallenge' | 'factorVerify' | 'anonymousSignIns';

/** GoTrue's `GOTRUE_MFA_RATE_LIMIT_CHALLENGE_AND_VERIFY` default (not in config.toml): per minute, for each of the two. */
const MFA_REQUESTS_PER_MINUTE = 15;

/** Every limit of one Auth service. */
export class AuthLimits {
  readonly signInFailures: SignInFailures;
  private readonly perIp: Record<RequestLimit, TokenBuckets>;
  private readonly emails: IntervalLimiter;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    limits: RateLimits,
    emailSentPerHour: number,
    now: () => number = Date.now,
    mfaRequestsPerMinute: number = MFA_REQUESTS_PER_MINUTE,
  ) {
    this.perIp = {
      signInSignUps: new TokenBuckets(limits.signInSignUps, FIVE_MINUTES_MS, undefined, now),
      tokenVerifications: new TokenBuckets(limits.tokenVerifications, FIVE_MINUTES_MS, undefined, now),
      tokenRefresh: new TokenBuckets(limits.tokenRefresh, FIVE_MINUTES_MS, undefined, now),
      // `anonymous_users` is per hour, with a burst of all of them (GoTrue's SetBurst(N)).
      anonymousSignIns: new TokenBuckets(limits.anonymousUsers, HOUR_MS, limits.anonymousUsers, now),
      factorChallenge: new TokenBuckets(mfaRequestsPerMinute, 60_000, MAX_BURST, now),
      factorVerify: new TokenBuckets(mfaRequestsPerMinute, 60_000, MAX_BURST, now),
    };
    this.emails = new IntervalLimiter(emailSentPerHour, HOUR_MS, now);
    this.signInFailures = new SignInFailures(Math.min(SIGN_IN_FAILURES_PER_ADDRESS, limits.signInSignUps), FIVE_MINUTES_MS, now);
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  /** Counts one request from `ip` against `limit`; throws 429 `over_request_rate_limit` past it. */
  request(limit: RequestLimit, ip: string): void {
    this.perIp[limit].take(ip);
  }

  /** Counts one e-mail against the project's hourly allowance; throws 429 `over_email_send_rate_limit`. */
  email(): void {
    if (!this.emails.allow()) throw emailRateLimitExceeded();
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  private sweep(): void {
    for (const buckets of Object.values(this.perIp)) buckets.sweep();
    this.signInFailures.sweep();
  }
}
