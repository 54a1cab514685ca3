/**
 * One fixed message per mail kind (and the variants worth seeing), for the template snapshots and the
 * mail-client checks in supabase/tests. The ticket subject and names carry markup and line breaks on
 * purpose: they must arrive escaped and on one line.
 */
import { MAIL_KINDS, type MailKind, type OutboxMessage, type TicketRef } from './message.ts';

export const SAMPLE_SITE_URL = 'https://portal.example.com';

const ticket: TicketRef = { id: '00000000-0000-4000-8000-000000000012', number: 12, subject: 'Printer <script>alert("x")</script> &\r\nBcc: evil@example.com' };

const base = (kind: MailKind, data: Record<string, unknown>, extra: Partial<OutboxMessage> = {}): OutboxMessage => ({
  id: 1,
  dedupe_key: `${kind}:sample`,
  kind,
  attempt: 1,
  to: { email: 'ada@example.com', name: 'Ada "<b>" Lovelace\r\nBcc: x@example.com' },
  optional: MAIL_KINDS[kind].optional,
  data,
  ticket,
  reply_token: 'rt_0123456789abcdefghij',
  unsubscribe_token: 'ut_0123456789abcdefghij',
  items: null,
  ...extra,
});

export const SAMPLES: Array<{ name: string; message: OutboxMessage }> = [
  { name: 'quote_ready', message: base('quote_ready', { credits: 3, category: 'Hardware & <Printers>' }) },
  { name: 'charged', message: base('charged', { credits: 1 }) },
  { name: 'answered', message: base('answered', { author: 'Grace <Engineer>', message: 'Try turning it off and on again.\n\n<img src=x onerror=alert(1)>' }) },
  { name: 'resolved', message: base('resolved', { charged_credits: 3 }) },
  {
    name: 'recategorized_refund',
    message: base('recategorized', { from_category: 'hardware', to_category: 'question', from_credits: 3, to_credits: 1, refunded: 2, charged: 0, reason: 'A <quick> question after all' }),
  },
  {
    name: 'recategorized_extra',
    message: base('recategorized', {
      title: 'Ticket #12 is now Hardware: 2 credits charged',
      body: 'Ticket #12 "Printer" moved from Quick question to Hardware, which costs 3 credits. 2 credits were charged from your balance. Reason: needs a part',
      from_category: 'question',
      to_category: 'hardware',
      from_credits: 1,
      to_credits: 3,
      refunded: 0,
      charged: 2,
      reason: 'needs a part',
    }),
  },
  { name: 'split', message: base('split', { parent_number: 11, child_number: 12 }) },
  {
    name: 'credits_added',
    message: base(
      'credits_added',
      { credits: 10, amount_cents: 4900, currency: 'eur', balance: 14, order_id: 'b5f6c1de-0000-4000-8000-000000000001', paid_at: '2026-12-04T10:15:00Z', package: '10 credits <best value>', provider_payment_id: 'pi_123' },
      { ticket: null, reply_token: null },
    ),
  },
  { name: 'low_balance', message: base('low_balance', { balance: 1, threshold: 2 }, { ticket: null, reply_token: null }) },
  {
    name: 'credits_needed',
    message: base(
      'credits_needed',
      { credits: 5, balance: 1, missing: 4, tickets: [{ number: 12, subject: 'Printer <jammed>', credits: 3 }, { number: 14, subject: 'VPN', credits: 2 }] },
      { ticket: null, reply_token: null },
    ),
  },
  { name: 'new_ticket', message: base('new_ticket', { author: 'Ada Lovelace', message: 'It prints blank pages.', pre_approved: true }) },
  { name: 'customer_replied', message: base('customer_replied', { author: 'Ada Lovelace', message: 'Still blank. </p><a href="https://evil.example">click</a>' }) },
  { name: 'quote_confirmed', message: base('quote_confirmed', { credits: 3 }) },
  { name: 'quote_declined', message: base('quote_declined', { credits: 3, reason: 'Too <expensive>' }) },
  { name: 'payment_review', message: base('payment_review', { event_id: 'evt_1', event_type: 'checkout.session.completed', order_id: 'b5f6c1de-0000-4000-8000-000000000002', problem: 'amount 4900 eur does not match the order (3900 eur)' }, { ticket: null, reply_token: null }) },
  {
    name: 'digest',
    message: base('digest', {}, {
      ticket: null,
      reply_token: null,
      items: [
        { kind: 'answered', data: { title: 'New reply on ticket #12' }, ticket, created_at: '2026-12-03T09:00:00Z' },
        { kind: 'low_balance', data: { title: 'Your credit balance is low' }, ticket: null, created_at: '2026-12-03T17:30:00Z' },
      ],
    }),
  },
  {
    name: 'reply_refused',
    message: base('reply_refused', { reason: 'ticket_closed', ticket_number: 12 }, { ticket: null, reply_token: null, unsubscribe_token: null, to: { email: 'ada@example.com', name: null } }),
  },
  { name: 'answered_with_words', message: base('answered', { title: 'New reply on ticket #12\r\nBcc: evil@example.com', body: 'Grace replied to "Printer".' }) },
];
