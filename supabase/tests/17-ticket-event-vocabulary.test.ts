/**
 * The audit trail's vocabulary is defined once, in src/lib/ticket-events.ts, and the database must write
 * exactly that: this produces every kind of ticket event through the API, then checks each row's kind
 * and `data` keys against the app's `TICKET_EVENT_FIELDS` and renders it as both timelines do. A key
 * renamed on either side (the customer trail once read `category`/`credits` where the SQL writes
 * `to_category`/`to_credits`) fails here.
 */
import type { PostgrestError } from '@supabase/supabase-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { categoryLabel } from '../../src/lib/category-label.ts';
import { describeTicketEvent, type FieldTag, fitsFieldTag, TICKET_EVENT_FIELDS, TICKET_EVENT_KINDS } from '../../src/lib/ticket-events.ts';
import { adjustCredits, assess, checkInvariantsAfterAll, createCast, createTicket, ok, sql, type TicketRow } from './support.ts';

checkInvariantsAfterAll();

interface EventRow {
  ticket_id: string;
  kind: string;
  data: Record<string, unknown>;
}

describe('ticket event vocabulary', () => {
  let events: EventRow[];

  beforeAll(async () => {
    const { customer, engineer, admin } = await createCast();
    const call = async (what: string, result: PromiseLike<{ data: unknown; error: PostgrestError | null }>) => {
      ok(await result, what);
    };
    const tickets: TicketRow[] = [];
    const open = async (preApproved: boolean, extra: Record<string, unknown> = {}) => {
      const row = await createTicket(customer, preApproved, extra);
      tickets.push(row);
      return row;
    };

    // awaiting_credits: agreed in advance, assessed while the balance is empty.
    const waiting = await open(true);
    await assess(engineer, waiting.id, 'configuration');
    // canceled
    await call('cancel_ticket', customer.client.rpc('cancel_ticket', { p_ticket_id: waiting.id }));

    await adjustCredits(admin, customer.accountId, 200);
    // created (upgrade), assessed, charged, reassessed, refunded, assigned, split (+ created on the child), resolved
    // 4.3.1 → 4.3.9 costs 50: the customer raised the pre-approval ceiling to cover it, so it is charged at once.
    const upgrade = await open(true, { p_upgrade_from: '4.3.1', p_upgrade_to: '4.3.9', p_pre_approval_ceiling: 50 });
    await call(
      'assess_ticket as upgrade',
      engineer.client.rpc('assess_ticket', { p_ticket_id: upgrade.id, p_category: 'upgrade', p_upgrade_from: '4.3.1', p_upgrade_to: '4.3.9' }),
    );
    await call(
      'reassess_ticket',
      engineer.client.rpc('reassess_ticket', { p_ticket_id: upgrade.id, p_category: 'configuration', p_reason: 'Only a setting was wrong.' }),
    );
    await call('refund_ticket', engineer.client.rpc('refund_ticket', { p_ticket_id: upgrade.id, p_credits: 1, p_reason: 'Goodwill', p_idempotency_key: crypto.randomUUID() }));
    await call('assign_ticket', admin.client.rpc('assign_ticket', { p_ticket_id: upgrade.id, p_assignee_id: engineer.userId }));
    await call('assign_ticket (unassign)', admin.client.rpc('assign_ticket', { p_ticket_id: upgrade.id, p_assignee_id: null }));
    const child = ok(
      await engineer.client.rpc('split_ticket', { p_ticket_id: upgrade.id, p_subject: 'A second question', p_body: 'About exports.' }).single<TicketRow>(),
      'split_ticket',
    );
    tickets.push(child);
    await call('resolve_ticket', engineer.client.rpc('resolve_ticket', { p_ticket_id: upgrade.id }));

    // quote_confirmed: cost first, a quote, confirmed.
    const quoted = await open(false);
    await assess(engineer, quoted.id, 'code_modification', 30);
    await call('confirm_quote', customer.client.rpc('confirm_quote', { p_ticket_id: quoted.id, p_credits: 30 }));
    // quote_declined
    const declined = await open(false);
    await assess(engineer, declined.id, 'investigation');
    await call('decline_quote', customer.client.rpc('decline_quote', { p_ticket_id: declined.id, p_reason: 'Not now.' }));

    events = await sql<EventRow>('select ticket_id, kind, data from public.ticket_events where ticket_id = any($1::uuid[]) order by id', [
      tickets.map((row) => row.id),
    ]);
  });

  it('the database allows exactly the kinds the app knows', async () => {
    const [row] = await sql<{ definition: string }>(
      "select pg_get_constraintdef(oid) as definition from pg_constraint where conrelid = 'public.ticket_events'::regclass and contype = 'c' and pg_get_constraintdef(oid) like '%kind%'",
    );
    const allowed = [...(row?.definition ?? '').matchAll(/'([a-z_]+)'/g)].map((match) => match[1]);
    expect(allowed.sort(), 'ticket_events.kind check constraint').toEqual([...TICKET_EVENT_KINDS].sort());
  });

  it('every kind was produced by the API calls above', () => {
    expect([...new Set(events.map((event) => event.kind))].sort(), 'kinds written').toEqual([...TICKET_EVENT_KINDS].sort());
  });

  it("each event's data has exactly the keys, and value types, the app's vocabulary names", () => {
    for (const event of events) {
      const fields = (TICKET_EVENT_FIELDS as Record<string, Record<string, string>>)[event.kind];
      expect(fields, `kind ${event.kind} is in the vocabulary`).toBeDefined();
      const known = Object.keys(fields ?? {});
      const required = known.filter((key) => !fields?.[key]?.endsWith('?'));
      const written = Object.keys(event.data);
      expect(written.filter((key) => !known.includes(key)), `${event.kind}: keys the SQL writes that the app does not read`).toEqual([]);
      expect(required.filter((key) => !written.includes(key)), `${event.kind}: keys the app reads that the SQL does not write`).toEqual([]);
      for (const key of written) {
        const tag = (fields?.[key] ?? '').replace(/\?$/, '') as FieldTag;
        expect(fitsFieldTag(event.data[key], tag), `${event.kind}.${key} = ${JSON.stringify(event.data[key])} is ${tag}`).toBe(true);
      }
    }
  });

  it('every event reads as a sentence on both timelines, with its facts and no placeholders', () => {
    for (const event of events) {
      for (const audience of ['customer', 'staff'] as const) {
        const text = describeTicketEvent(event.kind, event.data, { categoryName: (code) => categoryLabel(code), audience });
        expect(text, `${audience} ${event.kind}: ${text}`).not.toMatch(/\?|undefined|null|NaN|\[object|\.\.$|_/);
        expect(text, `${audience} ${event.kind} ends as a sentence`).toMatch(/[.!?]$/);
      }
    }
    const reassessed = events.find((event) => event.kind === 'reassessed');
    const text = describeTicketEvent('reassessed', reassessed?.data, { categoryName: (code) => categoryLabel(code), audience: 'customer' });
    expect(text, 'the customer sees the new category and its price').toContain('as Configuration: 10 credits');
    expect(text, 'a reason ending in a period gets no second one').toMatch(/Only a setting was wrong\.$/);
  });
});
