/**
 * The audit trail's vocabulary as the app reads it. The database defines it: the kinds are the SQL enum
 * `ticket_event_kind` (reaching TypeScript through the generated types), and `app.ticket_event_kinds`
 * names the keys each kind's `data` carries, which `app.log_event` enforces on every write. Here are the
 * same keys typed for reading, and the words the customer and staff timelines show for each kind. Both
 * timelines and the dashboard's recent activity render events through `describeTicketEvent`.
 *
 * A kind added to the enum (and `npm run db:types`) does not compile until it has data and words here;
 * supabase/tests/17-ticket-event-vocabulary.test.ts fails until `TICKET_EVENT_FIELDS` equals the SQL
 * definition key for key.
 */
import { Constants, type Database } from './database.types';
import { formatCredits, sentence } from './format';

export type TicketEventKind = Database['public']['Enums']['ticket_event_kind'];

/** Every kind, in the enum's order. */
export const TICKET_EVENT_KINDS: readonly TicketEventKind[] = Constants.public.Enums.ticket_event_kind;

/** Accepts a map from kinds to data only if it names every kind of the enum and nothing else. */
type PerKind<T extends { [K in TicketEventKind]: object } & { [K in Exclude<keyof T, TicketEventKind>]: never }> = T;

export type TicketEventData = PerKind<{
  /** create_ticket (with the upgrade versions, null unless an upgrade) or split_ticket (the new ticket). */
  created: {
    pre_approved: boolean;
    /** For pre-approved tickets: the most credits charged without asking. */
    pre_approval_ceiling?: number | null;
    upgrade_from?: string | null;
    upgrade_to?: string | null;
    split_from_id?: string;
    split_from_number?: number;
  };
  /** `upgrade_from`/`upgrade_to`: only on upgrade assessments, the versions the price was counted from. */
  assessed: { category: string; level: number; credits: number; note: string | null; upgrade_from?: string; upgrade_to?: string };
  reassessed: { from_category: string | null; to_category: string; from_credits: number | null; to_credits: number; reason: string };
  quote_confirmed: { category: string; credits: number };
  /** `kept`: credits charged earlier, which stay charged. */
  quote_declined: { category: string; credits: number; kept: number; reason: string | null };
  /** `automatic`: charged by Pro Portal when credits arrived, not by someone's action. */
  charged: { credits: number; charged_credits: number; transfer_id: string; automatic: boolean };
  awaiting_credits: { credits: number; balance: number; missing: number };
  refunded: { credits: number; charged_credits: number; reason: string; transfer_id: string };
  /** On the ticket a question was split from; the new ticket gets a `created` with `split_from_*`. */
  split: { child_id: string; child_number: number; subject: string };
  resolved: { from_status: string; charged_credits: number };
  canceled: Record<string, never>;
  /** Staff only (internal). A null assignee is an unassignment. */
  assigned: { assignee_id: string | null; assignee_name: string };
}>;

/** A value's type as a tag that can be checked at run time. */
type ValueTag<V> = [V] extends [boolean]
  ? 'boolean'
  : [V] extends [number]
    ? 'number'
    : [V] extends [string]
      ? 'string'
      : [V] extends [number | null]
        ? 'number|null'
        : [V] extends [string | null]
          ? 'string|null'
          : never;

/** Each key's value tag; keys only some writers include end in `?`. */
type FieldSpec<T> = { [K in keyof T]-?: object extends Pick<T, K> ? `${ValueTag<Exclude<T[K], undefined>>}?` : ValueTag<T[K]> };

export type FieldTag = 'boolean' | 'number' | 'string' | 'number|null' | 'string|null';

/**
 * The keys of each kind's data and their value types, in the tags `app.ticket_event_kinds` uses, for
 * checks at run time. Typed against `TicketEventData`: a key added, renamed, retyped or made optional
 * there must be changed here too, or this file does not compile.
 */
export const TICKET_EVENT_FIELDS: { [K in TicketEventKind]: FieldSpec<TicketEventData[K]> } = {
  created: {
    pre_approved: 'boolean',
    pre_approval_ceiling: 'number|null?',
    upgrade_from: 'string|null?',
    upgrade_to: 'string|null?',
    split_from_id: 'string?',
    split_from_number: 'number?',
  },
  assessed: { category: 'string', level: 'number', credits: 'number', note: 'string|null', upgrade_from: 'string?', upgrade_to: 'string?' },
  reassessed: { from_category: 'string|null', to_category: 'string', from_credits: 'number|null', to_credits: 'number', reason: 'string' },
  quote_confirmed: { category: 'string', credits: 'number' },
  quote_declined: { category: 'string', credits: 'number', kept: 'number', reason: 'string|null' },
  charged: { credits: 'number', charged_credits: 'number', transfer_id: 'string', automatic: 'boolean' },
  awaiting_credits: { credits: 'number', balance: 'number', missing: 'number' },
  refunded: { credits: 'number', charged_credits: 'number', reason: 'string', transfer_id: 'string' },
  split: { child_id: 'string', child_number: 'number', subject: 'string' },
  resolved: { from_status: 'string', charged_credits: 'number' },
  canceled: {},
  assigned: { assignee_id: 'string|null', assignee_name: 'string' },
};

/** Whether a JSON value fits a field's tag (without the optional marker). */
export function fitsFieldTag(value: unknown, tag: FieldTag): boolean {
  if (value === null) return tag.endsWith('|null');
  return typeof value === tag.replace('|null', '');
}

/** One event of a known kind with its data typed. */
export type TypedTicketEvent = { [K in TicketEventKind]: { kind: K; data: TicketEventData[K] } }[TicketEventKind];

export const isTicketEventKind = (kind: string): kind is TicketEventKind => (TICKET_EVENT_KINDS as readonly string[]).includes(kind);

/**
 * An event as read from the table (`kind` text, `data` jsonb) narrowed to its kind's data, or null for
 * a kind this version of the app does not know. The database is the only writer of these rows.
 */
export function toTypedTicketEvent(kind: string, data: unknown): TypedTicketEvent | null {
  if (!isTicketEventKind(kind)) return null;
  const facts = data !== null && typeof data === 'object' && !Array.isArray(data) ? data : {};
  return { kind, data: facts } as TypedTicketEvent;
}

export type EventAudience = 'customer' | 'staff';

export interface DescribeOptions {
  /** The human name of a category code (from the catalogue). */
  categoryName: (code: string) => string;
  /** Staff see who acted and the before → after of a change; customers see it from their side. */
  audience: EventAudience;
}

/** One audit event in words, a full sentence. */
export function describeTicketEvent(kind: string, data: unknown, options: DescribeOptions): string {
  const event = toTypedTicketEvent(kind, data);
  if (!event) return sentence(`Ticket updated (${kind.replace(/_/g, ' ')})`);
  const staff = options.audience === 'staff';
  const category = (code: string | null | undefined) => (code ? options.categoryName(code) : 'no category');
  const because = (reason: string | null | undefined) => (reason ? ` — ${reason}` : '');
  switch (event.kind) {
    case 'created': {
      const d = event.data;
      if (typeof d.split_from_number === 'number') return sentence(`Ticket opened, split from ticket #${d.split_from_number}`);
      const ceiling = typeof d.pre_approval_ceiling === 'number' ? ` up to ${formatCredits(d.pre_approval_ceiling)}` : '';
      const consent = d.pre_approved ? `agreed in advance with the assessment${ceiling}` : 'cost first';
      const upgrade = d.upgrade_from && d.upgrade_to ? `, upgrade ${d.upgrade_from} → ${d.upgrade_to}` : '';
      return sentence(`Ticket opened (${consent}${upgrade})`);
    }
    case 'assessed': {
      const d = event.data;
      const versions = d.upgrade_from && d.upgrade_to ? ` (${d.upgrade_from} → ${d.upgrade_to})` : '';
      return sentence(`Assessed as ${category(d.category)}${versions}: ${formatCredits(d.credits)}${staff ? because(d.note) : ''}`);
    }
    case 'reassessed': {
      const d = event.data;
      const before = staff && d.from_category ? ` from ${category(d.from_category)} (${formatCredits(d.from_credits ?? 0)})` : '';
      return sentence(`Re-categorized${before} as ${category(d.to_category)}: ${formatCredits(d.to_credits)}${because(d.reason)}`);
    }
    case 'quote_confirmed':
      return sentence(`${staff ? 'Customer confirmed the quote' : 'Quote'} of ${formatCredits(event.data.credits)}${staff ? '' : ' confirmed'}`);
    case 'quote_declined': {
      const d = event.data;
      return sentence(`${staff ? `Customer declined the quote of ${formatCredits(d.credits)}` : 'Quote declined'}${because(d.reason)}`);
    }
    case 'charged':
      return sentence(`${formatCredits(event.data.credits)} charged${event.data.automatic ? ' automatically when credits arrived' : ''}`);
    case 'awaiting_credits': {
      const d = event.data;
      return sentence(`Waiting for credits: costs ${formatCredits(d.credits)}, balance ${formatCredits(d.balance)}, ${formatCredits(d.missing)} missing`);
    }
    case 'refunded':
      return sentence(`${formatCredits(event.data.credits)} refunded${because(event.data.reason)}`);
    case 'split':
      return sentence(`A separate question was moved to ticket #${event.data.child_number}${staff ? ` “${event.data.subject}”` : ''}`);
    case 'resolved':
      return 'Resolved.';
    case 'canceled':
      return 'Canceled by the customer.';
    case 'assigned':
      return event.data.assignee_id ? sentence(`Assigned to ${event.data.assignee_name || 'a staff member'}`) : 'Unassigned.';
  }
}
