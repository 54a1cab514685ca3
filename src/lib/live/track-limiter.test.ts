import { describe, expect, it } from 'vitest';
import { TrackLimiter, type TrackLimits } from './track-limiter';

/** A clock the test moves by hand, with the timers it owes. */
function fakeClock() {
  let now = 0;
  let timers: { at: number; run: () => void; id: number }[] = [];
  let ids = 0;
  return {
    now: () => now,
    setTimeout: (run: () => void, ms: number) => {
      const id = ++ids;
      timers.push({ at: now + ms, run, id });
      return id;
    },
    clearTimeout: (id: unknown) => {
      timers = timers.filter((timer) => timer.id !== id);
    },
    advance(ms: number) {
      const until = now + ms;
      for (;;) {
        const next = timers.filter((timer) => timer.at <= until).sort((a, b) => a.at - b.at)[0];
        if (!next) break;
        timers = timers.filter((timer) => timer !== next);
        now = next.at;
        next.run();
      }
      now = until;
    },
    pending: () => timers.length,
  };
}

const limits: TrackLimits = { minGapMs: 6_000, maxCalls: 4, windowMs: 30_000 };

function setup(ready = () => true) {
  const clock = fakeClock();
  const sent: { at: number; state: string }[] = [];
  const limiter = new TrackLimiter<string>(
    (state) => {
      if (!ready()) return false;
      sent.push({ at: clock.now(), state });
      return true;
    },
    (a, b) => a === b,
    limits,
    clock,
  );
  return { clock, sent, limiter };
}

describe('pacing presence track calls', () => {
  it('sends the first state at once and the same state never twice', () => {
    const { sent, limiter } = setup();
    limiter.want('viewing');
    limiter.want('viewing');
    expect(sent).toEqual([{ at: 0, state: 'viewing' }]);
  });

  it('keeps calls at least the gap apart, sending only the latest wish', () => {
    const { clock, sent, limiter } = setup();
    limiter.want('viewing');
    clock.advance(1_000);
    limiter.want('replying');
    limiter.want('viewing');
    limiter.want('replying');
    expect(sent).toHaveLength(1);
    clock.advance(5_000);
    expect(sent).toEqual([
      { at: 0, state: 'viewing' },
      { at: 6_000, state: 'replying' },
    ]);
  });

  it('drops a flip and flop that ends where it started', () => {
    const { clock, sent, limiter } = setup();
    limiter.want('viewing');
    limiter.want('replying');
    limiter.want('viewing');
    clock.advance(60_000);
    expect(sent.map((call) => call.state)).toEqual(['viewing']);
  });

  it('never makes more than the allowed calls in any window, however fast the state flips', () => {
    const { clock, sent, limiter } = setup();
    for (let i = 0; i < 200; i++) {
      limiter.want(i % 2 ? 'replying' : 'viewing');
      clock.advance(500);
    }
    clock.advance(60_000);
    // Realtime closes the channel at its 6th call within 30 s: check every window.
    for (const call of sent) {
      const inWindow = sent.filter((other) => other.at >= call.at && other.at < call.at + 30_000);
      expect(inWindow.length).toBeLessThanOrEqual(4);
    }
    expect(sent.length).toBeGreaterThan(4);
    // The last wish gets through in the end.
    expect(sent.at(-1)?.state).toBe('replying');
  });

  it('holds the state while the channel cannot send, and sends it again after a rejoin', () => {
    let joined = false;
    const { clock, sent, limiter } = setup(() => joined);
    limiter.want('replying');
    expect(sent).toEqual([]);
    joined = true;
    limiter.resend();
    expect(sent).toEqual([{ at: 0, state: 'replying' }]);
    // A rejoin: the server forgot our state, the same state goes out again (after the gap).
    clock.advance(1_000);
    limiter.resend();
    clock.advance(5_000);
    expect(sent).toEqual([
      { at: 0, state: 'replying' },
      { at: 6_000, state: 'replying' },
    ]);
  });

  it('stops its timer when disposed', () => {
    const { clock, sent, limiter } = setup();
    limiter.want('viewing');
    limiter.want('replying');
    expect(clock.pending()).toBe(1);
    limiter.dispose();
    clock.advance(60_000);
    expect(sent).toHaveLength(1);
  });
});
