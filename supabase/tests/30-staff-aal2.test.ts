/**
 * Staff rights need a second factor (access/functions/app.is_staff.sql): an engineer or admin signed in
 * with their password alone (`aal1`, what a stolen password gives) is refused every staff function with
 * `mfa_required`, sees no staff-only rows and cannot join the staff Realtime channel. The same person
 * after a TOTP code (`aal2`) is staff again. The access matrix (08) checks every table and function for
 * these sessions as well; this file covers every staff function the database has, whatever its arguments,
 * and the channel.
 */
import { randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import { decodeJwt } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '@pro-portal/supabase-local/testing/totp';
import {
  adjustCredits,
  assess,
  balance,
  checkInvariantsAfterAll,
  createCast,
  createTicket,
  ok,
  type Person,
  signInWithPasswordOnly,
  sql,
} from './support.ts';

checkInvariantsAfterAll();

let customer: Person;
let engineer: Person;
let admin: Person;
let engineerAal1: SupabaseClient;
let adminAal1: SupabaseClient;
let ticketId: string;

const aalOf = async (client: SupabaseClient) => {
  const { data } = await client.auth.getSession();
  return decodeJwt(data.session!.access_token).aal;
};

beforeAll(async () => {
  ({ customer, engineer, admin } = await createCast());
  [engineerAal1, adminAal1] = await Promise.all([signInWithPasswordOnly(engineer), signInWithPasswordOnly(admin)]);
  await adjustCredits(admin, customer.accountId, 100);
  ticketId = (await createTicket(customer, true)).id;
  await assess(engineer, ticketId, 'question');
  ok(await engineer.client.rpc('post_message', { p_ticket_id: ticketId, p_body: 'Internal: check the logs', p_internal: true }), 'note');
});

describe('sessions', () => {
  it('staff made by the fixtures are aal2; the same people signed in with a password alone are aal1', async () => {
    expect(await aalOf(engineer.client)).toBe('aal2');
    expect(await aalOf(admin.client)).toBe('aal2');
    expect(await aalOf(engineerAal1)).toBe('aal1');
    expect(await aalOf(adminAal1)).toBe('aal1');
  });
});

/** Every function in public that starts with app.require_staff() or app.require_admin(), with its named inputs. */
async function staffFunctions(): Promise<{ name: string; args: string[]; adminOnly: boolean }[]> {
  return sql<{ name: string; args: string[]; adminOnly: boolean }>(
    `select p.proname as name, p.prosrc ~ 'app\\.require_admin\\(\\)' as "adminOnly",
            coalesce((select array_agg(n order by i) from unnest(p.proargnames) with ordinality a(n, i)
                       where p.proargmodes is null or p.proargmodes[i] in ('i', 'b')), '{}') as args
       from pg_proc p join pg_namespace ns on ns.oid = p.pronamespace
      where ns.nspname = 'public' and p.prosrc ~ 'app\\.require_(staff|admin)\\(\\)'
      order by 1`,
  );
}

describe('staff functions at aal1', () => {
  it('every staff and admin function refuses an aal1 engineer and admin with mfa_required, and answers them at aal2', async () => {
    const functions = await staffFunctions();
    // The list is read from the database so a new staff function is covered without editing this file;
    // these are known members, so an empty or broken query cannot pass.
    expect(functions.map((f) => f.name)).toEqual(
      expect.arrayContaining(['adjust_credits', 'assess_ticket', 'refund_ticket', 'staff_queue', 'set_user_role', 'admin_retry_mail']),
    );
    for (const { name, args, adminOnly } of functions) {
      // Empty arguments: the caller is checked before anything else, so the refusal cannot depend on them.
      const params = Object.fromEntries(args.map((arg) => [arg, null]));
      // An engineer is no admin with or without a second factor: admin functions refuse them as forbidden.
      const callers = adminOnly ? ([['admin', adminAal1]] as const) : ([['engineer', engineerAal1], ['admin', adminAal1]] as const);
      for (const [who, client] of callers) {
        const result = await client.rpc(name, params);
        expect(result.error, `${name} as an aal1 ${who}`).toMatchObject({ code: '42501', message: 'mfa_required' });
        expect(result.error?.details, `${name} as an aal1 ${who}: says what is missing`).toMatch(/need a second factor/);
      }
      if (adminOnly) {
        const result = await engineerAal1.rpc(name, params);
        expect(result.error, `${name} as an aal1 engineer`).toMatchObject({ code: '42501', message: 'forbidden' });
      }
      // At aal2 the same call gets past the caller check (admins may call every one of them).
      const control = await admin.client.rpc(name, params);
      expect(control.error?.message, `${name} as an aal2 admin`).not.toBe('mfa_required');
      expect(control.error?.code, `${name} as an aal2 admin`).not.toBe('42501');
    }
  });

  it('a stolen admin password moves no credits', async () => {
    const before = await balance(customer.accountId);
    const result = await adminAal1.rpc('adjust_credits', {
      p_account_id: customer.accountId,
      p_amount: 500,
      p_note: 'Stolen password',
      p_idempotency_key: randomUUID(),
    });
    expect(result.error).toMatchObject({ code: '42501', message: 'mfa_required' });
    expect(await balance(customer.accountId)).toBe(before);
  });

  it('a stolen engineer password neither charges nor refunds a ticket, nor answers as staff', async () => {
    const fresh = (await createTicket(customer, true)).id;
    const assessed = await engineerAal1.rpc('assess_ticket', { p_ticket_id: fresh, p_category: 'question' });
    expect(assessed.error).toMatchObject({ code: '42501', message: 'mfa_required' });
    const refunded = await engineerAal1.rpc('refund_ticket', {
      p_ticket_id: ticketId,
      p_credits: 1,
      p_reason: 'Stolen password',
      p_idempotency_key: randomUUID(),
    });
    expect(refunded.error).toMatchObject({ code: '42501', message: 'mfa_required' });
    // Posting is open to customers on their own tickets; on another account's ticket an aal1 engineer is
    // a stranger, not staff.
    const posted = await engineerAal1.rpc('post_message', { p_ticket_id: ticketId, p_body: 'Hello from a stolen session', p_internal: false });
    expect(posted.error?.code).toMatch(/^(42501|PT404)$/);
    const noted = await engineerAal1.rpc('post_message', { p_ticket_id: ticketId, p_body: 'Note', p_internal: true });
    expect(noted.error?.code).toBe('42501');
    const [ticket] = await sql<{ status: string; charged_credits: number }>('select status, charged_credits from public.tickets where id = $1', [fresh]);
    expect(ticket).toMatchObject({ status: 'new', charged_credits: 0 });
    expect(await sql('select 1 from public.ticket_messages where ticket_id = $1 and body like $2', [ticketId, '%stolen%'])).toEqual([]);
  });
});

describe('staff-only rows at aal1', () => {
  it("an aal1 engineer or admin sees none of a customer's rows, internal notes or payment events; at aal2 they do", async () => {
    await sql("insert into public.payment_events (id, type) values ($1, 'checkout.session.completed')", [`evt_aal_${randomUUID()}`]);
    const reads = (client: SupabaseClient) =>
      Promise.all([
        client.from('tickets').select('id').eq('id', ticketId),
        client.from('ticket_messages').select('id').eq('ticket_id', ticketId),
        client.from('ticket_events').select('id').eq('ticket_id', ticketId),
        client.from('profiles').select('id').eq('id', customer.userId),
        client.from('accounts').select('id').eq('id', customer.accountId),
        client.from('credit_entries').select('id').eq('account_id', customer.accountId),
        client.from('payment_events').select('id').limit(1),
      ]);
    for (const client of [engineerAal1, adminAal1]) {
      for (const result of await reads(client)) {
        expect(result.error).toBeNull();
        expect(result.data).toEqual([]);
      }
    }
    // The same reads with a second factor: every one finds rows, so the empty answers above are the rule.
    for (const result of await reads(admin.client)) {
      expect(result.error).toBeNull();
      expect(result.data?.length).toBeGreaterThan(0);
    }
  });

  it('an aal1 engineer still reads their own profile and personal account, as any customer does', async () => {
    const own = await engineerAal1.from('profiles').select('id, role').eq('id', engineer.userId);
    expect(own.data).toEqual([{ id: engineer.userId, role: 'engineer' }]);
    const account = await engineerAal1.from('accounts').select('id').eq('id', engineer.accountId);
    expect(account.data).toEqual([{ id: engineer.accountId }]);
  });
});

describe('the staff Realtime channel', () => {
  /** Joins a private channel with the client's token and reports how the join ended. */
  async function join(client: SupabaseClient, topic: string): Promise<{ status: string; error?: string }> {
    const { data } = await client.auth.getSession();
    await client.realtime.setAuth(data.session!.access_token);
    const channel = client.channel(topic, { config: { private: true } });
    const outcome = await new Promise<{ status: string; error?: string }>((resolve) => {
      let done = false;
      channel.subscribe((status, error) => {
        if (done) return;
        done = true;
        resolve(error ? { status, error: error.message } : { status });
      });
    });
    await client.removeChannel(channel);
    return outcome;
  }

  it('an aal1 engineer cannot join `queue`; the same engineer after a TOTP code can', async () => {
    const client = await signInWithPasswordOnly(engineer);
    expect(await join(client, 'queue')).toEqual({
      status: 'CHANNEL_ERROR',
      error: 'Unauthorized: You do not have permissions to read from this Channel topic: queue',
    });
    // The second factor, as the portal asks for it, lifts this very session to aal2.
    const factors = await client.auth.mfa.listFactors();
    const factor = factors.data!.totp[0]!;
    const verified = await client.auth.mfa.challengeAndVerify({ factorId: factor.id, code: totpCode(engineer.totpSecret!) });
    expect(verified.error).toBeNull();
    expect(await aalOf(client)).toBe('aal2');
    expect(await join(client, 'queue')).toEqual({ status: 'SUBSCRIBED' });
    const staffQueue = await client.rpc('staff_queue_counts');
    expect(staffQueue.error).toBeNull();
  });
});
