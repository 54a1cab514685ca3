/**
 * The send-mail loop without its I/O, so the Node tests can drive it with fakes: claim a batch, send
 * each message, report each outcome, until nothing is due or the run's time is up. Plain TypeScript.
 *
 * At most once: the database hands out each message under a lease, and a message whose lease ran out
 * while it was being sent is never sent again (it becomes `unknown`). So a message is not started once
 * its lease is nearly over — it is reported as a temporary failure and retried later — and every
 * claimed message is reported, each report retried a few times before it is given up and listed.
 */
import type { OutboxMessage } from './message.ts';

export type Outcome = { ok: true; providerId: string } | { ok: false; permanent: boolean; error: string };

export interface DrainDeps {
  claim(limit: number, leaseSeconds: number): Promise<OutboxMessage[]>;
  send(message: OutboxMessage): Promise<Outcome>;
  /** Records an outcome; false when the database could not be told. */
  report(message: OutboxMessage, outcome: Outcome): Promise<boolean>;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  log?: (line: string) => void;
}

export interface DrainOptions {
  /** How long to keep claiming. */
  runMs: number;
  batch: number;
  leaseSeconds: number;
  /** A message is not started with less of its lease left than this. */
  leaseMarginMs: number;
  concurrency: number;
  /** Tries per report. */
  reportAttempts?: number;
}

export interface DrainResult {
  sent: number;
  failed: number;
  /** Messages whose outcome could not be recorded: the database will list them as unknown. */
  unreported: number[];
}

export const NOT_STARTED = 'not started: the claim was about to expire';

export async function drainOutbox(deps: DrainDeps, options: DrainOptions): Promise<DrainResult> {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const attempts = options.reportAttempts ?? 3;
  const started = now();
  const result: DrainResult = { sent: 0, failed: 0, unreported: [] };

  const reportWithRetries = async (message: OutboxMessage, outcome: Outcome) => {
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (await deps.report(message, outcome)) return true;
      if (attempt < attempts) await sleep(250 * attempt);
    }
    return false;
  };

  while (now() - started < options.runMs) {
    const claimedAt = now();
    const messages = await deps.claim(options.batch, options.leaseSeconds);
    if (messages.length === 0) break;
    const leaseEnds = claimedAt + options.leaseSeconds * 1000;
    let next = 0;
    const worker = async () => {
      while (next < messages.length) {
        const message = messages[next++]!;
        let outcome: Outcome;
        if (now() > leaseEnds - options.leaseMarginMs) {
          outcome = { ok: false, permanent: false, error: NOT_STARTED };
        } else {
          try {
            outcome = await deps.send(message);
          } catch (error) {
            // A mail that cannot be built is a bug for an admin to see, not the address's fault.
            outcome = { ok: false, permanent: false, error: `could not build the mail: ${error instanceof Error ? error.message : String(error)}` };
          }
        }
        if (outcome.ok) result.sent++;
        else {
          result.failed++;
          deps.log?.(`mail ${message.id} (${message.kind}, attempt ${message.attempt}) not sent${outcome.permanent ? ' (permanent)' : ''}: ${outcome.error}`);
        }
        if (!(await reportWithRetries(message, outcome))) result.unreported.push(message.id);
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency, messages.length) }, worker));
  }
  return result;
}
