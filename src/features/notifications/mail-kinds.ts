/**
 * The kinds of mail, as the public unsubscribe page and the preferences page name them. A module of
 * its own (not kinds.ts, which the notices page uses): those two pages share it, and the bundler then
 * keeps it in their shared chunk instead of a chunk of its own that every page's first load would list.
 */

/** Why some mails have no choice (the preferences and unsubscribe pages say it; so do those mails). */
export const ALWAYS_SENT_REASON = 'Receipts and security notices are always sent.';

/**
 * The mail kinds an unsubscribe link can name, with their catalogue label (`app.mail_kinds`), so the
 * public unsubscribe page can say what will stop before anything is sent. The database stays the
 * authority: it refuses a kind that cannot be turned off whatever this list says, and its answer names
 * the kind again. mail-kinds.test.ts checks these against the catalogue's rows.
 */
export const MAIL_KINDS: Record<string, { label: string; optional: boolean }> = {
  quote_ready: { label: 'Quote ready', optional: true },
  charged: { label: 'Ticket charged', optional: true },
  answered: { label: "Engineer's answer", optional: true },
  resolved: { label: 'Ticket resolved', optional: true },
  recategorized: { label: 'Ticket re-categorized', optional: true },
  split: { label: 'Ticket split', optional: true },
  credits_added: { label: 'Credits added (receipt)', optional: false },
  low_balance: { label: 'Low balance', optional: true },
  credits_needed: { label: 'Tickets awaiting credits', optional: true },
  new_ticket: { label: 'New ticket', optional: true },
  customer_replied: { label: 'Customer replied', optional: true },
  quote_confirmed: { label: 'Quote confirmed', optional: true },
  quote_declined: { label: 'Quote declined', optional: true },
  payment_review: { label: 'Payment needs review', optional: true },
  digest: { label: 'Daily digest', optional: true },
  reply_refused: { label: 'E-mail reply not posted', optional: false },
};
