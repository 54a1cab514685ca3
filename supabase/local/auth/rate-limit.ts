/**
 * Failed password sign-ins per client address and e-mail over a sliding window (`[auth.rate_limit]
 * sign_in_sign_ups`, per 5 minutes): once the limit is reached every attempt for that pair, right or
 * wrong, is a 429 until old failures age out, so a password cannot be guessed by brute force.
 */
import { AuthError } from './errors.ts';

export const SIGN_IN_WINDOW_MS = 5 * 60 * 1000;

export class SignInLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly limit: number,
    private readonly windowMs = SIGN_IN_WINDOW_MS,
  ) {
    this.sweeper = setInterval(() => this.sweep(), windowMs);
    this.sweeper.unref();
  }

  /** Throws 429 `over_request_rate_limit` when the pair has used up its failures. */
  check(ip: string, email: string): void {
    const recent = this.recent(key(ip, email));
    if (recent.length < this.limit) return;
    const retryAfter = Math.max(1, Math.ceil((recent[0]! + this.windowMs - Date.now()) / 1000));
    throw new AuthError(429, 'over_request_rate_limit', 'Request rate limit reached', {}, {
      'retry-after': String(retryAfter),
    });
  }

  recordFailure(ip: string, email: string): void {
    const k = key(ip, email);
    this.failures.set(k, [...this.recent(k), Date.now()]);
  }

  close(): void {
    clearInterval(this.sweeper);
    this.failures.clear();
  }

  private recent(k: string): number[] {
    const since = Date.now() - this.windowMs;
    const kept = (this.failures.get(k) ?? []).filter((at) => at > since);
    if (kept.length) this.failures.set(k, kept);
    else this.failures.delete(k);
    return kept;
  }

  private sweep(): void {
    for (const k of [...this.failures.keys()]) this.recent(k);
  }
}

const key = (ip: string, email: string) => `${ip}\n${email.trim().toLowerCase()}`;
