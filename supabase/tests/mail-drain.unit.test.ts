/**
 * send-mail's loop (drainOutbox) with fakes for the database and SMTP: every claimed message is sent
 * once and reported, none is started once its lease is nearly over, a report that fails is retried and
 * then listed, and the run stops when nothing is due or its time is up.
 */
import { describe, expect, test } from 'vitest';
import { drainOutbox, NOT_STARTED, type DrainDeps, type DrainOptions, type Outcome } from '../functions/_shared/mail/drain.ts';
import type { OutboxMessage } from '../functions/_shared/mail/message.ts';

const message = (id: number): OutboxMessage => ({
  id,
  dedupe_key: `charged:${id}`,
  kind: 'charged',
  attempt: 1,
  to: { email: `u${id}@example.com`, name: null },
  optional: true,
  data: {},
  ticket: null,
  reply_token: null,
  unsubscribe_token: null,
  items: null,
});

const options: DrainOptions = { runMs: 20_000, batch: 3, leaseSeconds: 60, leaseMarginMs: 30_000, concurrency: 2 };

/** A fake outbox of `count` messages, a clock the test moves, and a log of what happened. */
function fake(count: number, over: Partial<DrainDeps> = {}) {
  let clock = 0;
  const queue = Array.from({ length: count }, (_, i) => message(i + 1));
  const sent: number[] = [];
  const reports: Array<{ id: number; outcome: Outcome }> = [];
  let claims = 0;
  const deps: DrainDeps = {
    now: () => clock,
    sleep: async (ms) => {
      clock += ms;
    },
    async claim(limit) {
      claims++;
      return queue.splice(0, limit);
    },
    async send(m) {
      sent.push(m.id);
      return { ok: true, providerId: `<${m.id}@x>` };
    },
    async report(m, outcome) {
      reports.push({ id: m.id, outcome });
      return true;
    },
    ...over,
  };
  return { deps, sent, reports, claims: () => claims, advance: (ms: number) => (clock += ms) };
}

describe('drainOutbox', () => {
  test('sends and reports every due message once, then stops when nothing is due', async () => {
    const f = fake(7);
    expect(await drainOutbox(f.deps, options)).toEqual({ sent: 7, failed: 0, unreported: [] });
    expect(f.sent.toSorted((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(f.reports.map((r) => r.id).toSorted((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(f.claims()).toBe(4); // three batches, and the empty claim that ends the run
  });

  test('a message is not started once its lease is nearly over: reported as a temporary failure, not sent', async () => {
    const f = fake(3);
    // The first send takes 40 s of the 60 s lease; what is left is under the 30 s margin.
    f.deps.send = async (m) => {
      f.sent.push(m.id);
      f.advance(40_000);
      return { ok: true, providerId: 'x' };
    };
    const result = await drainOutbox(f.deps, { ...options, concurrency: 1 });
    expect(f.sent).toEqual([1]);
    expect(result).toMatchObject({ sent: 1, failed: 2 });
    expect(f.reports.filter((r) => !r.outcome.ok).map((r) => r.outcome)).toEqual([
      { ok: false, permanent: false, error: NOT_STARTED },
      { ok: false, permanent: false, error: NOT_STARTED },
    ]);
  });

  test('a mail that cannot be built is a temporary failure, and the rest go on', async () => {
    const f = fake(2);
    f.deps.send = async (m) => {
      if (m.id === 1) throw new Error('template broke');
      f.sent.push(m.id);
      return { ok: true, providerId: 'x' };
    };
    expect(await drainOutbox(f.deps, options)).toMatchObject({ sent: 1, failed: 1 });
    expect(f.reports.find((r) => r.id === 1)!.outcome).toEqual({ ok: false, permanent: false, error: 'could not build the mail: template broke' });
  });

  test('a report that fails is retried, and listed as unreported when it never succeeds', async () => {
    const tries = new Map<number, number>();
    const f = fake(2, {
      async report(m) {
        tries.set(m.id, (tries.get(m.id) ?? 0) + 1);
        return m.id === 1 ? (tries.get(1) ?? 0) >= 2 : false; // 1 succeeds on the 2nd try, 2 never
      },
    });
    expect(await drainOutbox(f.deps, options)).toEqual({ sent: 2, failed: 0, unreported: [2] });
    expect(Object.fromEntries(tries)).toEqual({ 1: 2, 2: 3 });
  });

  test('stops claiming when its time is up, after finishing the batch it holds', async () => {
    const f = fake(10);
    f.deps.send = async (m) => {
      f.sent.push(m.id);
      f.advance(4_000);
      return { ok: true, providerId: 'x' };
    };
    const result = await drainOutbox(f.deps, { ...options, runMs: 5_000, concurrency: 1 });
    expect(result.sent).toBe(3);
    expect(f.claims()).toBe(1);
  });

  test('sends at most `concurrency` at once', async () => {
    let inFlight = 0;
    let most = 0;
    const f = fake(9);
    f.deps.send = async (m) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      f.sent.push(m.id);
      return { ok: true, providerId: 'x' };
    };
    await drainOutbox(f.deps, { ...options, batch: 9, concurrency: 3 });
    expect(most).toBe(3);
    expect(f.sent).toHaveLength(9);
  });
});
