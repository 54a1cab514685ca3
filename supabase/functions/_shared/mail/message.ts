/**
 * What `public.service_role_claim_mail` hands the `send-mail` function for each message, and the mail
 * kinds it can carry. Plain TypeScript with no imports, so the Node tests can read it too.
 */

export type Audience = 'customer' | 'staff' | 'admin' | 'system';

/**
 * The mail kinds and who receives them; `optional` says whether a user may turn the kind off. Receipts
 * and the answer to a refused e-mail reply are not optional: one is a record of a payment, the other the
 * only way a sender learns that their reply did not reach the ticket. The database's `app.mail_kinds`
 * is the source of truth; this copy only gives the templates their wording when a message lacks it.
 */
export const MAIL_KINDS = {
  quote_ready: { audience: 'customer', optional: true },
  charged: { audience: 'customer', optional: true },
  answered: { audience: 'customer', optional: true },
  resolved: { audience: 'customer', optional: true },
  recategorized: { audience: 'customer', optional: true },
  split: { audience: 'customer', optional: true },
  credits_added: { audience: 'customer', optional: false },
  low_balance: { audience: 'customer', optional: true },
  credits_needed: { audience: 'customer', optional: true },
  new_ticket: { audience: 'staff', optional: true },
  customer_replied: { audience: 'staff', optional: true },
  quote_confirmed: { audience: 'staff', optional: true },
  quote_declined: { audience: 'staff', optional: true },
  payment_review: { audience: 'admin', optional: true },
  digest: { audience: 'system', optional: true },
  reply_refused: { audience: 'system', optional: false },
} as const satisfies Record<string, { audience: Audience; optional: boolean }>;

export type MailKind = keyof typeof MAIL_KINDS;

export function isMailKind(value: unknown): value is MailKind {
  return typeof value === 'string' && Object.hasOwn(MAIL_KINDS, value);
}

export interface TicketRef {
  id: string;
  number: number;
  subject: string;
}

/** One notification rolled into a daily digest. */
export interface DigestItem {
  kind: string;
  data: Record<string, unknown>;
  ticket: TicketRef | null;
  created_at: string;
}

/** One claimed outbox row, as `service_role_claim_mail` returns it. */
export interface OutboxMessage {
  id: number;
  dedupe_key: string;
  kind: string;
  attempt: number;
  to: { email: string; name: string | null };
  optional: boolean;
  data: Record<string, unknown>;
  ticket: TicketRef | null;
  /** Per ticket and recipient: the Reply-To address `reply+<token>@<inbound domain>`. */
  reply_token: string | null;
  /** Identifies the recipient to the one-click unsubscribe; null for mail without a user. */
  unsubscribe_token: string | null;
  /** Only for `digest`. */
  items: DigestItem[] | null;
}
