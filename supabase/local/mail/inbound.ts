/**
 * The mail catcher standing in for a mail provider's inbound route: mail it receives for the reply
 * domain (INBOUND_EMAIL_DOMAIN in the functions' environment) is also POSTed to the `inbound-email`
 * function in the format of a Mailgun "forward" route, signed with MAILGUN_WEBHOOK_SIGNING_KEY — so a
 * reply sent through the local SMTP port reaches the ticket as it would on hosted Supabase. The mail
 * stays in the catcher too, for tests to read.
 *
 * Delivery is retried (the functions runtime may still be starting, or restarting after a crash) a few
 * times with backoff, as Mailgun retries; a 4xx answer (a refusal that a retry cannot change) is not.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { simpleParser } from 'mailparser';
import type { Logger } from '../core/logger.ts';
import type { Envelope } from './store.ts';

export interface InboundForwarding {
  /** `<api>/functions/v1/inbound-email`. */
  url: string;
  /** Recipients at this domain (any letter case) are forwarded. */
  domain: string;
  signingKey: string;
  /** Waits between attempts; the defaults cover a runtime that takes a few seconds to come up. */
  retryDelaysMs?: number[];
}

export const DEFAULT_RETRY_DELAYS_MS = [250, 500, 1000, 2000, 4000, 8000];

export interface InboundForwarder {
  /** Forwards `raw` once per recipient at the domain; returns at once, delivery runs in the background. */
  receive(raw: Buffer, envelope: Envelope): void;
  /** Resolves when every forward begun so far has ended (delivered, refused or out of attempts). */
  idle(): Promise<void>;
  /** Stops retrying; what is in flight ends on its own. */
  close(): void;
}

/** Mailgun's fields for a forwarded mail, signed as Mailgun signs its webhooks. */
export async function mailgunForm(raw: Buffer, recipient: string, envelope: Envelope, signingKey: string, now = Date.now()): Promise<URLSearchParams> {
  const parsed = await simpleParser(raw);
  const headers: Array<[string, string]> = parsed.headerLines.map(({ line }) => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon).trim(), line.slice(colon + 1).replace(/\r?\n[ \t]+/g, ' ').trim()];
  });
  const header = (name: string) => headers.find(([h]) => h.toLowerCase() === name)?.[1] ?? '';
  const timestamp = String(Math.floor(now / 1000));
  const token = randomBytes(25).toString('hex');
  return new URLSearchParams({
    recipient,
    sender: envelope.mailFrom,
    from: header('from'),
    subject: parsed.subject ?? '',
    'body-plain': parsed.text ?? '',
    'Message-Id': parsed.messageId ? `<${parsed.messageId.replace(/^<|>$/g, '')}>` : '',
    'message-headers': JSON.stringify(headers),
    timestamp,
    token,
    signature: createHmac('sha256', signingKey).update(timestamp + token).digest('hex'),
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createInboundForwarder(options: InboundForwarding, log: Logger): InboundForwarder {
  const domain = options.domain.toLowerCase();
  const delays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const pending = new Set<Promise<void>>();
  let closed = false;

  async function deliver(raw: Buffer, recipient: string, envelope: Envelope): Promise<void> {
    for (let attempt = 0; attempt <= delays.length && !closed; attempt++) {
      if (attempt > 0) await sleep(delays[attempt - 1]!);
      try {
        // Signed afresh for each attempt: the function refuses a replayed token, as it should.
        const body = await mailgunForm(raw, recipient, envelope, options.signingKey);
        const response = await fetch(options.url, { method: 'POST', body });
        const text = await response.text();
        if (response.ok) {
          log.info('mail', `forwarded mail for ${recipient} to inbound-email: ${text}`);
          return;
        }
        if (response.status >= 400 && response.status < 500 && response.status !== 404 && response.status !== 408 && response.status !== 429) {
          log.error('mail', `inbound-email refused the mail for ${recipient}: HTTP ${response.status} ${text}`);
          return;
        }
        log.info('mail', `inbound-email answered HTTP ${response.status} for ${recipient}; retrying`);
      } catch (error) {
        log.info('mail', `inbound-email not reachable for ${recipient} (${error instanceof Error ? error.message : String(error)}); retrying`);
      }
    }
    if (!closed) log.error('mail', `gave up forwarding the mail for ${recipient} to inbound-email`);
  }

  return {
    receive(raw, envelope) {
      if (closed) return;
      for (const recipient of envelope.rcptTo) {
        if (recipient.slice(recipient.lastIndexOf('@') + 1).toLowerCase() !== domain) continue;
        const job: Promise<void> = deliver(raw, recipient, envelope).catch((error: unknown) => log.error('mail', 'forwarding failed', error));
        pending.add(job);
        void job.finally(() => pending.delete(job));
      }
    },
    async idle() {
      while (pending.size) await Promise.all([...pending]);
    },
    close() {
      closed = true;
    },
  };
}
