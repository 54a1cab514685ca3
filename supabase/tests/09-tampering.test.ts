/**
 * Tampering (issue 3): a hostile customer calling the API directly. Writing a balance, the ledger,
 * orders, a role, a ticket's status or price; confirming another customer's quote; forging created_by
 * or account_id — all refused, and nothing changes (checked against a fingerprint of everything the
 * victim and the attacker own).
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  adjustCredits,
  assess,
  checkInvariantsAfterAll,
  createCast,
  createOrder,
  createPerson,
  createTicket,
  expectError,
  ok,
  packageWith,
  type Person,
  sqlRow,
} from './support.ts';

checkInvariantsAfterAll();

let attacker: Person;
let victim: Person;
let engineer: Person;
let admin: Person;
let victimQuote: string;
let attackerTicket: string;
let attackerOrder: string;
let before: unknown;

/** Everything money- and ticket-related that the two customers own, as one JSON value. */
async function fingerprint(): Promise<unknown> {
  const row = await sqlRow<{ state: unknown }>(
    `select jsonb_build_object(
       'accounts', (select jsonb_agg(to_jsonb(a) order by a.id) from public.accounts a where a.id = any($1::uuid[])),
       'members', (select jsonb_agg(to_jsonb(m) order by m.account_id, m.user_id) from public.account_members m
                    where m.account_id = any($1::uuid[]) or m.user_id = any($2::uuid[])),
       'profiles', (select jsonb_agg(to_jsonb(p) order by p.id) from public.profiles p where p.id = any($2::uuid[])),
       'tickets', (select jsonb_agg(to_jsonb(t) order by t.id) from public.tickets t where t.account_id = any($1::uuid[])),
       'orders', (select jsonb_agg(to_jsonb(o) order by o.id) from public.orders o where o.account_id = any($1::uuid[])),
       'entries', (select jsonb_agg(to_jsonb(e) order by e.id) from public.credit_entries e where e.account_id = any($1::uuid[])),
       'messages', (select count(*) from public.ticket_messages m where m.account_id = any($1::uuid[])),
       'reviews', (select count(*) from public.reviews r where r.author_id = any($2::uuid[]))
     ) as state`,
    [
      [attacker.accountId, victim.accountId],
      [attacker.userId, victim.userId],
    ],
  );
  return row.state;
}

beforeAll(async () => {
  ({ customer: attacker, engineer, admin } = await createCast());
  victim = await createPerson();
  await adjustCredits(admin, attacker.accountId, 30);
  await adjustCredits(admin, victim.accountId, 30);
  victimQuote = (await createTicket(victim, false)).id;
  await assess(engineer, victimQuote, 'configuration');
  attackerTicket = (await createTicket(attacker, true)).id;
  await assess(engineer, attackerTicket, 'configuration');
  attackerOrder = (await createOrder(attacker, 25)).id;
});

beforeEach(async () => {
  before = await fingerprint();
});

async function expectNothingChanged(): Promise<void> {
  expect(await fingerprint(), 'nothing changed for attacker or victim').toEqual(before);
}

describe('a customer writing directly', () => {
  it('cannot write their balance', async () => {
    expectError(
      await attacker.client.from('accounts').update({ balance: 1_000_000 }).eq('id', attacker.accountId),
      '42501',
      undefined,
      'PATCH accounts.balance',
    );
    expectError(
      await attacker.client.from('accounts').upsert({ id: attacker.accountId, name: 'Mine', balance: 1_000_000 }),
      '42501',
      undefined,
      'upsert accounts',
    );
    await expectNothingChanged();
  });

  it('cannot write the ledger', async () => {
    const entry = await sqlRow<{ id: number; transfer_id: string }>(
      'select id, transfer_id from public.credit_entries where account_id = $1 order by id limit 1',
      [attacker.accountId],
    );
    expectError(
      await attacker.client.from('credit_transfers').insert({
        from_account_id: victim.accountId,
        to_account_id: attacker.accountId,
        amount: 30,
        kind: 'adjustment',
        idempotency_key: `steal:${randomUUID()}`,
      }),
      '42501',
      undefined,
      'insert a transfer',
    );
    expectError(
      await attacker.client.from('credit_entries').insert({ transfer_id: entry.transfer_id, account_id: attacker.accountId, amount: 500 }),
      '42501',
      undefined,
      'insert an entry',
    );
    expectError(
      await attacker.client.from('credit_entries').update({ amount: 500 }).eq('id', entry.id),
      '42501',
      undefined,
      'update an entry',
    );
    expectError(
      await attacker.client.from('credit_transfers').delete().eq('id', entry.transfer_id),
      '42501',
      undefined,
      'delete a transfer',
    );
    await expectNothingChanged();
  });

  it('cannot create or pay orders', async () => {
    const pkg = await packageWith(500);
    expectError(
      await attacker.client.from('orders').insert({
        account_id: attacker.accountId,
        user_id: attacker.userId,
        package_id: pkg.id,
        credits: 500,
        amount_cents: 1,
        currency: 'usd',
      }),
      '42501',
      undefined,
      'insert an order',
    );
    expectError(
      await attacker.client.from('orders').update({ status: 'paid', paid_at: new Date().toISOString() }).eq('id', attackerOrder),
      '42501',
      undefined,
      'mark own order paid',
    );
    expectError(
      await attacker.client.rpc('service_role_fulfil_order', { p_order_id: attackerOrder, p_provider_payment_id: 'pay_forged' }),
      '42501',
      undefined,
      'fulfil own order',
    );
    expectError(
      await attacker.client.rpc('adjust_credits', { p_account_id: attacker.accountId, p_amount: 500, p_note: 'Free credits', p_idempotency_key: crypto.randomUUID() }),
      '42501',
      'forbidden',
      'adjust own balance',
    );
    await expectNothingChanged();
  });

  it('cannot change their role — not through profiles, not through user metadata', async () => {
    expectError(
      await attacker.client.from('profiles').update({ role: 'admin' }).eq('id', attacker.userId),
      '42501',
      undefined,
      'PATCH profiles.role',
    );
    expectError(
      await attacker.client.rpc('set_user_role', { p_user_id: attacker.userId, p_role: 'admin' }),
      '42501',
      'forbidden',
      'set_user_role on self',
    );
    // user_metadata is the user's to edit; nothing in the schema may trust it.
    const updated = await attacker.client.auth.updateUser({ data: { role: 'admin', full_name: 'Eve' } });
    expect(updated.error, 'Auth lets users edit their metadata').toBeNull();
    await attacker.client.auth.refreshSession();
    const rows = ok(await attacker.client.from('profiles').select('id').eq('id', victim.userId), 'read the victim');
    expect(rows, 'still no staff reads').toEqual([]);
    expectError(
      await attacker.client.rpc('assess_ticket', { p_ticket_id: victimQuote, p_category: 'question' }),
      '42501',
      'forbidden',
      'a staff function',
    );
    await expectNothingChanged();
  });

  it("cannot set a ticket's status or price", async () => {
    for (const patch of [
      { status: 'resolved' },
      { status: 'in_progress' },
      { quoted_credits: 1 },
      { charged_credits: 0 },
      { category: 'question' },
      { pre_approved: false },
    ]) {
      expectError(
        await attacker.client.from('tickets').update(patch).eq('id', attackerTicket),
        '42501',
        undefined,
        `PATCH tickets ${JSON.stringify(patch)}`,
      );
    }
    await expectNothingChanged();
  });
});

describe("acting on another customer's things", () => {
  it("cannot confirm, decline or cancel another customer's quote", async () => {
    for (const fn of ['confirm_quote', 'decline_quote', 'cancel_ticket']) {
      expectError(await attacker.client.rpc(fn, { p_ticket_id: victimQuote, ...(fn === 'confirm_quote' && { p_credits: 10 }) }), 'PT404', 'not_found', `${fn} on the victim's ticket`);
    }
    const row = await sqlRow<{ status: string }>('select status from public.tickets where id = $1', [victimQuote]);
    expect(row.status, "the victim's quote still waits").toBe('awaiting_confirmation');
    await expectNothingChanged();
  });

  it("cannot read or write on another customer's ticket", async () => {
    expect(
      ok(await attacker.client.from('tickets').select('id').eq('id', victimQuote), 'read it'),
      'invisible',
    ).toEqual([]);
    expectError(
      await attacker.client.rpc('post_message', { p_ticket_id: victimQuote, p_body: 'Please pay me instead' }),
      'PT404',
      'not_found',
      "post on the victim's ticket",
    );
    await expectNothingChanged();
  });

  it('cannot forge account_id: no ticket on (or charge to) the victim’s account', async () => {
    expectError(
      await attacker.client.rpc('create_ticket', {
        p_subject: 'Charge this to them',
        p_body: 'Please',
        p_pre_approved: true,
        p_account_id: victim.accountId,
      }),
      'PT404',
      'not_found',
      'create_ticket on the victim account',
    );
    expectError(
      await attacker.client.from('tickets').insert({
        account_id: victim.accountId,
        created_by: attacker.userId,
        subject: 'Forged',
        body: 'Forged',
        pre_approved: true,
      }),
      '42501',
      undefined,
      'insert a ticket directly',
    );
    await expectNothingChanged();
  });

  it('cannot forge created_by: no such argument, and the direct insert is refused', async () => {
    const forged = await attacker.client.rpc('create_ticket', {
      p_subject: 'Opened by the victim',
      p_body: 'Forged author',
      p_pre_approved: true,
      p_created_by: victim.userId,
    });
    expect(forged.error?.code, 'an unknown argument finds no function').toBe('PGRST202');
    expectError(
      await attacker.client.from('tickets').insert({
        account_id: attacker.accountId,
        created_by: victim.userId,
        subject: 'Forged',
        body: 'Forged',
        pre_approved: true,
      }),
      '42501',
      undefined,
      'insert with a forged created_by',
    );
    expectError(
      await attacker.client.from('reviews').insert({ author_id: victim.userId, author_name: 'Victim', rating: 1, title: 'Awful', body: 'Awful' }),
      '42501',
      undefined,
      'a review in the victim’s name',
    );
    await expectNothingChanged();
  });
});
