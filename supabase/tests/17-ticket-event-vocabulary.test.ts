/**
 * The audit trail's vocabulary is defined once, in SQL: the enum `ticket_event_kind` and, per kind, the
 * keys its data carries (`app.ticket_event_kinds`), which `app.log_event` enforces on every write. This
 * checks that definition against its three readers and writers: the app's list and typed reading of it
 * (src/lib/ticket-events.ts), the source of every SQL function that calls `app.log_event`, and the rows
 * the API actually writes, produced here for every kind and rendered as both timelines do. A key renamed
 * on either side (the customer trail once read `category`/`credits` where the SQL writes
 * `to_category`/`to_credits`) fails here. It also checks the app's status groups against the SQL's.
 */
import type { PostgrestError } from '@supabase/supabase-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { categoryLabel } from '../../src/lib/category-label.ts';
import { describeTicketEvent, type FieldTag, fitsFieldTag, TICKET_EVENT_FIELDS, TICKET_EVENT_KINDS } from '../../src/lib/ticket-events.ts';
import { isCancelableStatus, isOpenStatus, isWaitingOnCustomer, TICKET_STATUSES } from '../../src/lib/ticket-status.ts';
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

  it("the kinds are the SQL enum, which the column and app.log_event's parameter use, and the app lists it", async () => {
    const kinds = await sql<{ kind: string }>('select unnest(enum_range(null::public.ticket_event_kind))::text as kind');
    expect(kinds.map((row) => row.kind), 'enum ticket_event_kind').toEqual([...TICKET_EVENT_KINDS]);
    const [column] = await sql<{ type: string }>(
      "select atttypid::regtype::text as type from pg_attribute where attrelid = 'public.ticket_events'::regclass and attname = 'kind'",
    );
    expect(column?.type, 'ticket_events.kind').toBe('ticket_event_kind');
    const writers = await sql<{ signature: string }>("select oid::regprocedure::text as signature from pg_proc where proname = 'log_event'");
    expect(writers.map((row) => row.signature)).toEqual(['app.log_event(tickets,uuid,ticket_event_kind,jsonb,boolean)']);
  });

  it('the app reads exactly the keys and value types the SQL defines for each kind', async () => {
    const rows = await sql<{ kind: string; fields: Record<string, string> }>('select kind::text, fields from app.ticket_event_kinds');
    expect(Object.fromEntries(rows.map((row) => [row.kind, row.fields])), 'app.ticket_event_kinds vs TICKET_EVENT_FIELDS').toEqual(
      TICKET_EVENT_FIELDS,
    );
  });

  it('every app.log_event call in the SQL functions names a kind and exactly keys its definition allows', async () => {
    const calls = await logEventCalls();
    expect(calls.length, 'calls found').toBeGreaterThanOrEqual(TICKET_EVENT_KINDS.length);
    expect([...new Set(calls.map((call) => call.kind))].sort(), 'kinds some function writes').toEqual([...TICKET_EVENT_KINDS].sort());
    for (const call of calls) {
      const fields = (TICKET_EVENT_FIELDS as Record<string, Record<string, string>>)[call.kind] ?? {};
      const known = Object.keys(fields);
      const required = known.filter((key) => !fields[key]?.endsWith('?'));
      expect(call.keys.filter((key) => !known.includes(key)), `${call.fn} writes ${call.kind} with keys it does not define`).toEqual([]);
      expect(
        call.conditionalKeys.filter((key) => !fields[key]?.endsWith('?')),
        `${call.fn} writes ${call.kind} with keys only sometimes, which its definition does not mark optional`,
      ).toEqual([]);
      expect(required.filter((key) => !call.keys.includes(key)), `${call.fn} writes ${call.kind} without keys it requires`).toEqual([]);
    }
  });

  it('every kind was produced by the API calls above', () => {
    expect([...new Set(events.map((event) => event.kind))].sort(), 'kinds written').toEqual([...TICKET_EVENT_KINDS].sort());
  });

  it("each event's data has exactly the keys, and value types, the vocabulary names", () => {
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

  it.each([
    ['an unknown key', 'resolved', { from_status: 'new', charged_credits: 0, credits: 1 }, 'unknown key credits'],
    ['a missing key', 'charged', { credits: 1, charged_credits: 1, automatic: false }, 'missing key transfer_id'],
    ['a value of the wrong type', 'quote_confirmed', { category: 'question', credits: '1' }, 'credits is string, not number'],
    ['null where a value is required', 'assigned', { assignee_id: null, assignee_name: null }, 'assignee_name is null, not string'],
    ['an optional key of the wrong type', 'created', { pre_approved: true, split_from_number: 'seven' }, 'split_from_number is string, not number'],
    ['null for an optional key that may not be null', 'created', { pre_approved: true, split_from_id: null }, 'split_from_id is null, not string'],
    ['data on a kind that carries none', 'canceled', { reason: 'x' }, 'unknown key reason'],
    ['data that is not an object', 'canceled', [], 'data must be a JSON object, not array'],
  ])('app.log_event refuses %s and writes nothing', async (_what, kind, data, problem) => {
    const ticket = events[0]?.ticket_id;
    const count = async () => (await sql<{ n: number }>('select count(*)::int as n from public.ticket_events where ticket_id = $1', [ticket]))[0]?.n;
    const before = await count();
    await expect(
      sql('select app.log_event(t, null, $2::public.ticket_event_kind, $3::jsonb) from public.tickets t where t.id = $1', [
        ticket,
        kind,
        JSON.stringify(data),
      ]),
    ).rejects.toThrow(problem);
    expect(await count(), 'events of the ticket').toBe(before);
  });

  it.each([
    ['an unknown type', { credits: 'int' }],
    ['its marks out of order', { credits: 'number?|null' }],
    ['a tag that is not a string', { credits: 1 }],
    ['fields that are not an object', []],
  ])('a definition with %s is refused', async (_what, fields) => {
    await expect(sql("update app.ticket_event_kinds set fields = $1::jsonb where kind = 'charged'", [JSON.stringify(fields)])).rejects.toThrow(
      'ticket_event_kinds_fields_are_tags',
    );
  });

  it("app.log_event accepts a kind's optional keys, and nulls where its definition allows them", async () => {
    const ticket = events[0]?.ticket_id;
    const data = { pre_approved: false, pre_approval_ceiling: null, upgrade_from: null, upgrade_to: null };
    await sql("select app.log_event(t, null, 'created', $2::jsonb) from public.tickets t where t.id = $1", [ticket, JSON.stringify(data)]);
    const [last] = await sql<{ kind: string; data: unknown }>('select kind, data from public.ticket_events where ticket_id = $1 order by id desc limit 1', [
      ticket,
    ]);
    expect(last, 'the event written').toEqual({ kind: 'created', data });
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

describe('ticket status groups', () => {
  it.each(TICKET_STATUSES)("the app groups %s as the SQL's app.is_open, app.is_waiting_on_customer and app.is_cancelable do", async (status) => {
    const [row] = await sql<{ open: boolean; waiting: boolean; cancelable: boolean }>(
      'select app.is_open($1) as open, app.is_waiting_on_customer($1) as waiting, app.is_cancelable($1) as cancelable',
      [status],
    );
    expect({ open: isOpenStatus(status), waiting: isWaitingOnCustomer(status), cancelable: isCancelableStatus(status) }).toEqual(row);
  });

  it('no SQL function, policy or view outside those three spells out a list of ticket statuses', async () => {
    // `status in ('new', …)`, `status not in (…)`, `status = any (array['new'::ticket_status, …])`; order
    // statuses are another vocabulary and may be listed.
    const status = `'(${TICKET_STATUSES.join('|')})'`;
    const list = String.raw`status\s+(not\s+)?in\s*\(\s*${status}|status\s*(=|<>)\s*(any|all)\s*\(\s*(array\s*\[\s*)?${status}`;
    const listing = await sql<{ place: string }>(
      `select format('function %s', p.oid::regprocedure) as place from pg_proc p join pg_namespace n on n.oid = p.pronamespace
       where n.nspname in ('public', 'app') and p.proname not in ('is_open', 'is_waiting_on_customer', 'is_cancelable') and p.prosrc ~* $1
       union all
       select format('policy %s on %s.%s', policyname, schemaname, tablename) from pg_policies
       where concat_ws(' ', qual, with_check) ~* $1
       union all
       select format('view %s.%s', schemaname, viewname) from pg_views where schemaname in ('public', 'app') and definition ~* $1
       order by 1`,
      [list],
    );
    expect(listing.map((row) => row.place)).toEqual([]);
  });
});

/**
 * One `app.log_event(ticket, actor, 'kind', data…)` call in a function's source: the keys its data
 * always has (the leading `jsonb_build_object`) and those it adds only in some cases (a further
 * `jsonb_build_object` joined with `||`, e.g. inside a `case`).
 */
interface LogEventCall {
  fn: string;
  kind: string;
  keys: string[];
  conditionalKeys: string[];
}

/**
 * Every call of app.log_event in the current definitions of the database's functions. The data must be
 * `'{}'` or start with a `jsonb_build_object(...)` whose keys are string literals: anything else shows up
 * as a key (or kind) `<not a literal: …>`, so a call this cannot read fails the check instead of passing.
 */
async function logEventCalls(): Promise<LogEventCall[]> {
  const sources = await sql<{ fn: string; src: string }>(
    `select p.oid::regprocedure::text as fn, p.prosrc as src from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where n.nspname in ('public', 'app') and p.proname <> 'log_event' and p.prosrc like '%app.log_event(%'`,
  );
  const literal = (text: string | undefined) => /^'([a-z_]+)'$/.exec(text ?? '')?.[1] ?? `<not a literal: ${text}>`;
  const builtKeys = (text: string, at: number) =>
    splitArguments(text, at + 'jsonb_build_object('.length)
      .filter((_, index) => index % 2 === 0)
      .map(literal);
  const calls: LogEventCall[] = [];
  for (const { fn, src } of sources) {
    for (const match of src.matchAll(/app\.log_event\(/g)) {
      const args = splitArguments(src, match.index + match[0].length);
      const data = args[3] ?? "'{}'";
      const builds = [...data.matchAll(/jsonb_build_object\(/g)].map((build) => build.index);
      const leading = data === "'{}'" ? [] : builds[0] === 0 ? builtKeys(data, 0) : [`<not a literal: ${data}>`];
      const conditionalKeys = builds.filter((at) => at > 0).flatMap((at) => builtKeys(data, at));
      calls.push({ fn, kind: literal(args[2]), keys: leading, conditionalKeys });
    }
  }
  return calls;
}

/** The top-level, comma-separated arguments of a call whose opening parenthesis ends just before `start`. */
function splitArguments(src: string, start: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let current = '';
  for (let index = start; index < src.length; index++) {
    const char = src[index] ?? '';
    if (char === "'") {
      const end = src.indexOf("'", index + 1);
      current += src.slice(index, end + 1);
      index = end;
      continue;
    }
    if (char === ')' && depth === 0) break;
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      args.push(current.trim());
      current = '';
      continue;
    }
    current += char;
  }
  args.push(current.trim());
  return args;
}
