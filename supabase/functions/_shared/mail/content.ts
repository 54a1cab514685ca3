/**
 * What each mail kind says: subject, paragraphs, detail lines, buttons and footer, as plain data. The
 * HTML (React Email, templates.tsx) and the plain-text part are both drawn from it, so they cannot say
 * different things. Plain TypeScript with no Deno or npm imports: the Node tests read it too.
 *
 * A message's `data` is what the database recorded with the event. Every field is read defensively
 * (a missing or mistyped one leaves its line out) and `data.title` / `data.body`, the in-app
 * notification's own words when present, stand in for a kind's sentence, so a mail is never refused
 * for a field it does not strictly need.
 */
import { oneLine } from './address.ts';
import { MAIL_KINDS, isMailKind, type DigestItem, type MailKind, type OutboxMessage, type TicketRef } from './message.ts';

export interface MailAction {
  label: string;
  href: string;
  primary: boolean;
}

export interface MailContent {
  /** One line, at most 200 characters. */
  subject: string;
  /** The inbox preview line. */
  preview: string;
  heading: string;
  paragraphs: string[];
  /** Label/value lines: a receipt, a price change. */
  details: Array<{ label: string; value: string }>;
  /** Someone's message, shown as a quotation. */
  quote?: { author: string; text: string };
  /** Digest entries. */
  list: Array<{ text: string; href?: string }>;
  actions: MailAction[];
  /** A sentence under the buttons (e.g. that a link charges nothing by itself). */
  note?: string;
  footer: MailFooter;
}

export interface MailFooter {
  /** "Reply to this mail to add a message to ticket #12." when the mail has a Reply-To. */
  replyHint?: string;
  preferencesUrl: string;
  /** The app's unsubscribe page for this kind, for optional kinds with a recipient token. */
  unsubscribe?: { label: string; href: string };
  /** Why a non-optional mail cannot be turned off. */
  whyAlwaysSent?: string;
}

/** The names the preferences page shows; the footer says which kind a link turns off. */
export const KIND_LABELS: Record<MailKind, string> = {
  quote_ready: 'Quote ready',
  charged: 'Ticket charged',
  answered: 'Engineer answered',
  resolved: 'Ticket resolved',
  recategorized: 'Ticket re-categorized',
  split: 'Ticket split',
  credits_added: 'Credits added (receipt)',
  low_balance: 'Low balance',
  credits_needed: 'Credits needed',
  new_ticket: 'New ticket in the queue',
  customer_replied: 'Customer replied',
  quote_confirmed: 'Quote confirmed',
  quote_declined: 'Quote declined',
  payment_review: 'Payment needs review',
  digest: 'Daily digest',
  reply_refused: 'E-mail reply not accepted',
};

const WHY_ALWAYS_SENT: Partial<Record<MailKind, string>> = {
  credits_added:
    'This is your receipt for a payment, so it is always sent and cannot be turned off in your notification settings.',
  reply_refused:
    'This answers an e-mail you sent us, so it is always sent: otherwise you would not know your reply did not arrive.',
};

export interface LinkBase {
  /** The app, without a trailing slash. */
  siteUrl: string;
}

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
const int = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isSafeInteger(value) ? value : typeof value === 'string' && /^-?\d{1,15}$/.test(value) ? Number(value) : undefined;

export function creditsText(n: number): string {
  return `${n} ${Math.abs(n) === 1 ? 'credit' : 'credits'}`;
}

export function moneyText(cents: number, currency: string): string {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency: currency.toUpperCase() }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency.toUpperCase()}`;
  }
}

/** Timestamps in mails are in UTC with the zone said, so they read the same in every client. */
export function dateText(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const ticketLabel = (ticket: TicketRef) => `#${ticket.number} "${oneLine(ticket.subject, 120)}"`;

function link(base: LinkBase, path: string, query: Record<string, string> = {}): string {
  const url = new URL(base.siteUrl + path);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  return url.toString();
}

export const paths = {
  customerTicket: (n: number) => `/portal/tickets/${n}`,
  staffTicket: (n: number) => `/staff/tickets/${n}`,
  credits: '/portal/credits',
  receipt: (orderId: string) => `/portal/credits/receipts/${encodeURIComponent(orderId)}`,
  preferences: '/portal/settings/notifications',
  unsubscribe: '/unsubscribe',
  admin: '/admin',
  tickets: '/portal/tickets',
  queue: '/staff',
};

/** The page a kind's ticket opens on: the staff view for staff and admin mail, the portal otherwise. */
function ticketUrl(base: LinkBase, kind: string, ticket: TicketRef): string {
  const audience = isMailKind(kind) ? MAIL_KINDS[kind].audience : 'customer';
  return link(base, audience === 'staff' || audience === 'admin' ? paths.staffTicket(ticket.number) : paths.customerTicket(ticket.number));
}

interface Body {
  subject: string;
  heading: string;
  paragraphs: string[];
  details?: Array<{ label: string; value: string }>;
  quote?: { author: string; text: string };
  list?: Array<{ text: string; href?: string }>;
  actions?: MailAction[];
  note?: string;
}

const primary = (label: string, href: string): MailAction => ({ label, href, primary: true });
const secondary = (label: string, href: string): MailAction => ({ label, href, primary: false });

/** A message excerpt for a quotation: the start of it, so a long answer is read in the portal. */
function excerpt(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const flat = text.replace(/\r\n?/g, '\n').trim();
  return flat.length > 1200 ? `${flat.slice(0, 1199).trimEnd()}…` : flat;
}

const REFUSAL_REASONS: Record<string, string> = {
  unknown_address:
    'The address you replied to does not belong to any ticket we know. Replies only work to the address of a recent ticket e-mail.',
  unknown_sender:
    'Your reply came from an address other than the one the ticket e-mail was sent to. To keep tickets private, replies are accepted only from that address.',
  ticket_closed: 'The ticket is closed, so it no longer accepts messages. Open a new ticket if you need more help.',
  empty: 'We could not find any text of your own in your reply (only the quoted earlier mail or a signature).',
};

function body(message: OutboxMessage, base: LinkBase): Body {
  const { data, ticket } = message;
  const kind = message.kind;
  const title = str(data.title);
  const text = str(data.body);
  const credits = int(data.credits);
  const t = ticket ? ticketLabel(ticket) : undefined;
  const open = (label: string) => (ticket ? [primary(label, ticketUrl(base, kind, ticket))] : []);
  const ticketSubject = (what: string) => (ticket ? `Ticket #${ticket.number}: ${what}` : what);

  switch (kind) {
    case 'quote_ready': {
      const category = str(data.category);
      return {
        subject: title ?? ticketSubject(credits !== undefined ? `please confirm ${creditsText(credits)}` : 'please confirm the quote'),
        heading: 'Your ticket has been assessed',
        paragraphs: [
          text ??
            `${t ? `Ticket ${t}` : 'Your ticket'} is assessed${category ? ` as ${category}` : ''}${credits !== undefined ? ` for ${creditsText(credits)}` : ''}. Confirm to have it answered, or decline.`,
        ],
        details: [
          ...(category ? [{ label: 'Category', value: category }] : []),
          ...(credits !== undefined ? [{ label: 'Price', value: creditsText(credits) }] : []),
        ],
        actions: ticket
          ? [
              primary('Confirm', link(base, paths.customerTicket(ticket.number), { quote: 'confirm' })),
              secondary('Decline', link(base, paths.customerTicket(ticket.number), { quote: 'decline' })),
            ]
          : [],
        note: 'Both buttons open the ticket in the portal, which asks you once more before anything is charged.',
      };
    }
    case 'charged':
      return {
        subject: title ?? ticketSubject(credits !== undefined ? `charged ${creditsText(credits)}` : 'charged'),
        heading: 'Your ticket was charged',
        paragraphs: [text ?? `${credits !== undefined ? creditsText(credits) : 'The quoted credits'} ${credits === 1 ? 'was' : 'were'} taken for ${t ? `ticket ${t}` : 'your ticket'}; an engineer is working on it.`],
        actions: open('View the ticket'),
      };
    case 'answered': {
      const author = str(data.author) ?? 'An engineer';
      const said = excerpt(str(data.message));
      return {
        subject: title ?? ticketSubject('new reply from an engineer'),
        heading: 'An engineer answered',
        paragraphs: [text ?? `${author} replied to ${t ? `ticket ${t}` : 'your ticket'}.`],
        quote: said ? { author, text: said } : undefined,
        actions: open('Read the answer'),
      };
    }
    case 'resolved':
      return {
        subject: title ?? ticketSubject('resolved'),
        heading: 'Your ticket is resolved',
        paragraphs: [text ?? `${t ? `Ticket ${t}` : 'Your ticket'} is resolved. Open a new ticket if you need anything else.`],
        details: int(data.charged_credits) !== undefined ? [{ label: 'Charged in total', value: creditsText(int(data.charged_credits)!) }] : [],
        actions: open('View the ticket'),
      };
    case 'recategorized': {
      const before = int(data.from_credits);
      const after = int(data.to_credits);
      const refund = int(data.refunded) ?? 0;
      const extra = int(data.charged) ?? 0;
      const reason = str(data.reason);
      const change =
        refund > 0
          ? `${creditsText(refund)} ${refund === 1 ? 'was' : 'were'} refunded to your balance.`
          : extra > 0
            ? `${creditsText(extra)} more ${extra === 1 ? 'was' : 'were'} charged from your balance.`
            : 'The price did not change.';
      return {
        subject: title ?? ticketSubject(refund > 0 ? `re-categorized, ${creditsText(refund)} refunded` : extra > 0 ? `re-categorized, ${creditsText(extra)} charged` : 're-categorized'),
        heading: 'Your ticket was re-categorized',
        // The notice's own words already say what changed and why; the sentence is for a mail without them.
        paragraphs: text ? [text] : [`An engineer moved ${t ? `ticket ${t}` : 'your ticket'} to another category.`, change],
        details: [
          ...(before !== undefined && after !== undefined ? [{ label: 'Price', value: `${creditsText(before)} → ${creditsText(after)}` }] : []),
          ...(refund > 0 ? [{ label: 'Refunded', value: creditsText(refund) }] : []),
          ...(extra > 0 ? [{ label: 'Extra charge', value: creditsText(extra) }] : []),
          ...(reason ? [{ label: 'Reason', value: oneLine(reason, 300) }] : []),
        ],
        actions: open('View the ticket'),
      };
    }
    case 'split': {
      const parent = int(data.parent_number);
      const child = int(data.child_number) ?? ticket?.number;
      return {
        subject: title ?? (parent !== undefined && child !== undefined ? `Ticket #${parent} was split: new ticket #${child}` : 'Your ticket was split'),
        heading: 'Part of your ticket has its own ticket now',
        paragraphs: [text ?? `A separate issue in ${parent !== undefined ? `ticket #${parent}` : 'your ticket'} now has its own ticket${t ? ` ${t}` : ''} and will be assessed on its own.`],
        actions: open('View the new ticket'),
      };
    }
    case 'credits_added': {
      const orderId = str(data.order_id);
      const amount = int(data.amount_cents);
      const currency = str(data.currency);
      const balance = int(data.balance);
      const at = str(data.paid_at) ?? str(data.created_at);
      return {
        subject: title ?? (credits !== undefined ? `Receipt: ${creditsText(credits)} added` : 'Receipt: credits added'),
        heading: 'Credits added to your balance',
        paragraphs: [text ?? 'Thank you. Your purchase is complete and the credits are in your balance.'],
        details: [
          ...(str(data.package) ? [{ label: 'Package', value: oneLine(str(data.package)!, 120) }] : []),
          ...(credits !== undefined ? [{ label: 'Credits', value: creditsText(credits) }] : []),
          ...(amount !== undefined && currency ? [{ label: 'Amount paid', value: moneyText(amount, currency) }] : []),
          ...(balance !== undefined ? [{ label: 'New balance', value: creditsText(balance) }] : []),
          ...(orderId ? [{ label: 'Order', value: orderId }] : []),
          ...(str(data.provider_payment_id) ? [{ label: 'Payment', value: oneLine(str(data.provider_payment_id)!, 120) }] : []),
          ...(at ? [{ label: 'Date', value: dateText(at) }] : []),
        ],
        actions: [primary(orderId ? 'View the receipt' : 'View your credits', link(base, orderId ? paths.receipt(orderId) : paths.credits))],
      };
    }
    case 'low_balance': {
      const balance = int(data.balance);
      return {
        subject: title ?? 'Your credit balance is low',
        heading: 'Your credit balance is low',
        paragraphs: [text ?? `Your balance is ${balance !== undefined ? creditsText(balance) : 'low'}. Buy more so new tickets are not held up.`],
        actions: [primary('Buy credits', link(base, paths.credits))],
      };
    }
    case 'credits_needed': {
      const waiting = Array.isArray(data.tickets) ? (data.tickets as Array<Record<string, unknown>>) : [];
      return {
        subject: title ?? ticketSubject('waiting for credits'),
        heading: 'A ticket is waiting for credits',
        paragraphs: [text ?? 'Your balance is too low to start work on your ticket. Add credits and it is charged automatically.'],
        list: waiting.flatMap((w) => {
          const n = int(w.number);
          if (n === undefined) return [];
          const c = int(w.credits);
          return [{ text: `#${n} "${oneLine(str(w.subject) ?? '', 120)}"${c !== undefined ? ` (${creditsText(c)})` : ''}`, href: link(base, paths.customerTicket(n)) }];
        }),
        details: int(data.missing) !== undefined ? [{ label: 'Credits missing', value: creditsText(int(data.missing)!) }] : [],
        actions: [primary('Buy credits', link(base, paths.credits))],
      };
    }
    case 'new_ticket':
      return {
        subject: title ?? ticketSubject('new ticket in the queue'),
        heading: 'A new ticket is in the queue',
        paragraphs: [text ?? `${str(data.author) ?? 'A customer'} opened ${t ? `ticket ${t}` : 'a ticket'}.`],
        quote: excerpt(str(data.message)) ? { author: str(data.author) ?? 'The customer', text: excerpt(str(data.message))! } : undefined,
        actions: ticket ? open('Open the ticket') : [primary('Open the queue', link(base, paths.queue))],
      };
    case 'customer_replied': {
      const author = str(data.author) ?? 'The customer';
      const said = excerpt(str(data.message));
      return {
        subject: title ?? ticketSubject('the customer replied'),
        heading: 'The customer replied',
        paragraphs: [text ?? `${author} replied on ${t ? `ticket ${t}` : 'a ticket'}.`],
        quote: said ? { author, text: said } : undefined,
        actions: open('Open the ticket'),
      };
    }
    case 'quote_confirmed':
    case 'quote_declined': {
      const confirmed = kind === 'quote_confirmed';
      return {
        subject: title ?? ticketSubject(confirmed ? 'quote confirmed' : 'quote declined'),
        heading: confirmed ? 'The customer confirmed the quote' : 'The customer declined the quote',
        paragraphs: [
          text ??
            (confirmed
              ? `The quote${credits !== undefined ? ` of ${creditsText(credits)}` : ''} for ${t ? `ticket ${t}` : 'the ticket'} was confirmed; the ticket can be answered.`
              : `The quote${credits !== undefined ? ` of ${creditsText(credits)}` : ''} for ${t ? `ticket ${t}` : 'the ticket'} was declined.`),
        ],
        details: !confirmed && str(data.reason) ? [{ label: 'Reason', value: oneLine(str(data.reason)!, 300) }] : [],
        actions: open('Open the ticket'),
      };
    }
    case 'payment_review':
      return {
        subject: title ?? 'A payment needs review',
        heading: 'A payment needs review',
        paragraphs: [text ?? 'A payment could not be matched to its order automatically and waits for an admin.'],
        details: [
          ...(str(data.order_id) ? [{ label: 'Order', value: str(data.order_id)! }] : []),
          ...(int(data.amount_cents) !== undefined && str(data.currency) ? [{ label: 'Amount', value: moneyText(int(data.amount_cents)!, str(data.currency)!) }] : []),
          ...(str(data.event_id) ? [{ label: 'Stripe event', value: `${str(data.event_id)}${str(data.event_type) ? ` (${str(data.event_type)})` : ''}` }] : []),
          ...(str(data.problem) ? [{ label: 'Problem', value: oneLine(str(data.problem)!, 300) }] : []),
        ],
        actions: [primary('Open the admin page', link(base, paths.admin))],
      };
    case 'digest': {
      const items = message.items ?? [];
      return {
        subject: `Your daily summary: ${items.length} ${items.length === 1 ? 'update' : 'updates'}`,
        heading: 'Your daily summary',
        paragraphs: ['What happened since your last summary:'],
        list: items.map((item) => digestLine(item, base)),
        actions: [primary('Open the portal', link(base, paths.tickets))],
      };
    }
    case 'reply_refused': {
      const reason = str(data.reason) ?? '';
      const number = int(data.ticket_number);
      return {
        subject: number !== undefined ? `Your reply to ticket #${number} was not added` : 'Your e-mail reply was not added',
        heading: 'Your reply was not added',
        paragraphs: [
          `We received your e-mail${number !== undefined ? ` about ticket #${number}` : ''}, but it was not added to the ticket.`,
          REFUSAL_REASONS[reason] ?? 'It could not be matched to a ticket.',
          'Nothing was changed. You can always write on the ticket in the portal.',
        ],
        actions: [primary('Open the portal', link(base, number !== undefined ? paths.customerTicket(number) : paths.tickets))],
      };
    }
    default:
      return {
        subject: title ?? ticketSubject('update'),
        heading: title ?? 'An update from Pro Portal',
        paragraphs: [text ?? 'There is an update for you in the portal.'],
        actions: ticket ? open('Open the ticket') : [primary('Open the portal', link(base, paths.tickets))],
      };
  }
}

function digestLine(item: DigestItem, base: LinkBase): { text: string; href?: string } {
  const label = isMailKind(item.kind) ? KIND_LABELS[item.kind] : item.kind;
  const what = str(item.data?.title) ?? (item.ticket ? `Ticket ${ticketLabel(item.ticket)}` : label);
  return {
    text: `${dateText(item.created_at)} · ${label}: ${oneLine(what, 160)}`,
    href: item.ticket ? ticketUrl(base, item.kind, item.ticket) : undefined,
  };
}

/** Everything a mail of `message`'s kind says, for the HTML and the text part alike. */
export function mailContent(message: OutboxMessage, base: LinkBase): MailContent {
  const b = body(message, base);
  const kind = isMailKind(message.kind) ? message.kind : undefined;
  const footer: MailFooter = {
    preferencesUrl: link(base, paths.preferences),
    replyHint: message.reply_token && message.ticket ? `Reply to this e-mail to add a message to ticket #${message.ticket.number}.` : undefined,
  };
  if (message.optional && message.unsubscribe_token) {
    footer.unsubscribe = {
      label: kind ? KIND_LABELS[kind] : message.kind,
      href: link(base, paths.unsubscribe, { token: message.unsubscribe_token, kind: message.kind }),
    };
  } else if (!message.optional) {
    footer.whyAlwaysSent = (kind && WHY_ALWAYS_SENT[kind]) ?? 'This e-mail is always sent: it cannot be turned off in your notification settings.';
  }
  return {
    subject: oneLine(b.subject, 200),
    preview: oneLine(b.paragraphs[0] ?? b.heading, 140),
    heading: oneLine(b.heading, 200),
    paragraphs: b.paragraphs,
    details: b.details ?? [],
    quote: b.quote,
    list: b.list ?? [],
    actions: b.actions ?? [],
    note: b.note,
    footer,
  };
}

/** The plain-text part: the same content, links written out. */
export function mailText(content: MailContent): string {
  const out: string[] = [content.heading, '', ...content.paragraphs.flatMap((p) => [p, ''])];
  if (content.details.length) {
    const width = Math.max(...content.details.map((d) => d.label.length));
    out.push(...content.details.map((d) => `${`${d.label}:`.padEnd(width + 2)}${d.value}`), '');
  }
  if (content.quote) out.push(`${content.quote.author} wrote:`, ...content.quote.text.split('\n').map((line) => `> ${line}`), '');
  if (content.list.length) out.push(...content.list.map((item) => `- ${item.text}${item.href ? `\n  ${item.href}` : ''}`), '');
  for (const action of content.actions) out.push(`${action.label}: ${action.href}`);
  if (content.actions.length) out.push('');
  if (content.note) out.push(content.note, '');
  out.push('--');
  const f = content.footer;
  if (f.replyHint) out.push(f.replyHint);
  if (f.whyAlwaysSent) out.push(f.whyAlwaysSent);
  out.push(`Choose which e-mails you get: ${f.preferencesUrl}`);
  if (f.unsubscribe) out.push(`Unsubscribe from "${f.unsubscribe.label}" e-mails: ${f.unsubscribe.href}`);
  return `${out.join('\n')}\n`;
}
