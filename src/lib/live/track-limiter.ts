/**
 * Paces presence `track` calls. Realtime closes a channel whose client makes more than 5 track/untrack
 * calls in 30 s ("Client presence rate limit exceeded", then `phx_close`), and an engineer's state flips
 * with every focus and blur of the composer. So a state is sent only when it differs from the last one
 * sent, at least `minGapMs` after the previous call and never more than `maxCalls` times per `windowMs`
 * (below the server's 5, leaving room for a re-track after a rejoin); what is wanted meanwhile waits,
 * and only the latest wish is sent (a flip and a flop in between cost nothing).
 */
export type TrackLimits = { minGapMs: number; maxCalls: number; windowMs: number };

export const TRACK_LIMITS: TrackLimits = { minGapMs: 6_000, maxCalls: 4, windowMs: 30_000 };

type Clock = {
  now: () => number;
  setTimeout: (run: () => void, ms: number) => unknown;
  clearTimeout: (timer: unknown) => void;
};

const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
};

export class TrackLimiter<T> {
  private wanted: T | undefined;
  private sent: T | undefined;
  private calls: number[] = [];
  private timer: unknown;

  constructor(
    /** Sends a state; returns false when it cannot now (the channel is not joined): it is tried again on `resend()`. */
    private readonly send: (value: T) => boolean,
    private readonly same: (a: T, b: T) => boolean,
    private readonly limits: TrackLimits = TRACK_LIMITS,
    private readonly clock: Clock = realClock,
  ) {}

  /** The state this client should show; sent now or as soon as the limits allow. */
  want(value: T): void {
    this.wanted = value;
    this.flush();
  }

  /** The server forgot our state (a new join): send the wanted one again, within the same limits. */
  resend(): void {
    this.sent = undefined;
    this.flush();
  }

  dispose(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private flush(): void {
    if (this.timer !== undefined) return; // a send is already scheduled; it will take the latest wish
    const value = this.wanted;
    if (value === undefined || (this.sent !== undefined && this.same(this.sent, value))) return;
    const now = this.clock.now();
    const wait = this.waitFrom(now);
    if (wait > 0) {
      this.timer = this.clock.setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, wait);
      return;
    }
    if (!this.send(value)) return;
    this.sent = value;
    this.calls.push(now);
  }

  /** How long until another call is allowed. */
  private waitFrom(now: number): number {
    const { minGapMs, maxCalls, windowMs } = this.limits;
    this.calls = this.calls.filter((at) => now - at < windowMs);
    const last = this.calls.at(-1);
    const gap = last === undefined ? 0 : last + minGapMs - now;
    const oldest = this.calls[0];
    const window = this.calls.length >= maxCalls && oldest !== undefined ? oldest + windowMs - now : 0;
    return Math.max(gap, window, 0);
  }
}
