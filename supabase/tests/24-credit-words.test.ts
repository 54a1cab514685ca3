/**
 * Texts the database writes name an amount of credits in words that agree with the number: "1 credit",
 * "5 credits". They all go through app.credits_text, so a format string that prints a bare "%s credits"
 * shows up here as "1 credits" in an error, a notice or a ledger note.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  adjustCredits,
  assess,
  checkInvariantsAfterAll,
  createCast,
  createPerson,
  createTicket,
  expectError,
  ledger,
  notifications,
  ok,
  type Person,
  sql,
  sqlRow,
} from './support.ts';

checkInvariantsAfterAll();

let engineer: Person;
let admin: Person;

beforeAll(async () => {
  ({ engineer, admin } = await createCast());
});

/** Every title and body the database wrote for this person, and the notes of their account's ledger. */
async function writtenFor(person: Person): Promise<string[]> {
  const rows = await sql<{ text: string }>(
    `select n.title || ' ' || n.body as text from public.notifications n where n.user_id = $1
     union all
     select coalesce(t.note, '') from public.credit_entries e join public.credit_transfers t on t.id = e.transfer_id
      where e.account_id = $2`,
    [person.userId, person.accountId],
  );
  return rows.map((row) => row.text);
}

describe('app.credits_text', () => {
  it.each([
    [0, '0 credits'],
    [1, '1 credit'],
    [2, '2 credits'],
    [5, '5 credits'],
    [-1, '-1 credits'],
    [1_000_000, '1000000 credits'],
    [5_000_000_000, '5000000000 credits'],
  ])('%i → %s', async (amount, words) => {
    expect((await sqlRow<{ words: string }>('select app.credits_text($1::bigint) as words', [amount])).words).toBe(words);
  });

  it('takes an integer as well, and gives null for null', async () => {
    expect(await sqlRow('select app.credits_text(1::integer) as one, app.credits_text(null) as nothing')).toEqual({ one: '1 credit', nothing: null });
  });

  it('is immutable and not callable through the API', async () => {
    expect(await sqlRow("select provolatile as v from pg_proc where oid = 'app.credits_text(bigint)'::regprocedure")).toEqual({ v: 'i' });
    expect(
      await sqlRow("select has_function_privilege('authenticated', 'app.credits_text(bigint)', 'execute') as can"),
      'a helper of the schema, not an API function',
    ).toEqual({ can: false });
  });
});

describe('one credit in the texts', () => {
  it('an insufficient-credits error for a debit of 1 credit', async () => {
    const customer = await createPerson();
    const result = await admin.client.rpc('adjust_credits', {
      p_account_id: customer.accountId,
      p_amount: -1,
      p_note: 'Taking back a goodwill credit',
      p_idempotency_key: crypto.randomUUID(),
    });
    expectError(result, 'PT402', 'insufficient_credits', 'removing 1 credit from an empty account');
    expect(result.error?.details).toBe('This needs 1 credit but the balance is 0 (1 missing).');
  });

  it('1 credit added, a ticket 1 credit short, and 1 credit refunded', async () => {
    const customer = await createPerson();
    await adjustCredits(admin, customer.accountId, 1, 'Goodwill');
    expect((await notifications(customer.userId, 'credits_added')).map((n) => n.title)).toEqual(['1 credit added']);

    // A question costs 5 credits; with 4 the pre-approved ticket waits, 1 credit short.
    await adjustCredits(admin, customer.accountId, 3, 'Top-up');
    const created = await createTicket(customer, true);
    expect((await assess(engineer, created.id, 'question')).status).toBe('awaiting_credits');
    const [needed] = await notifications(customer.userId, 'credits_needed');
    expect(needed?.title).toBe(`Ticket #${created.number} is 1 credit short`);
    expect(needed?.body).toBe(`Ticket #${created.number} costs 5 credits and your balance is 4. Add 1 credit and it will be charged automatically.`);

    await adjustCredits(admin, customer.accountId, 1, 'The missing one');
    const [charged] = await notifications(customer.userId, 'charged');
    expect(charged?.title).toBe(`Ticket #${created.number} was charged 5 credits`);

    ok(
      await admin.client.rpc('refund_ticket', {
        p_ticket_id: created.id,
        p_credits: 1,
        p_reason: 'Answered from the FAQ.',
        p_idempotency_key: crypto.randomUUID(),
      }),
      'refund 1 credit',
    );
    const [refunded] = await notifications(customer.userId, 'refunded');
    expect(refunded?.title).toBe(`1 credit refunded for ticket #${created.number}`);
    expect(refunded?.body).toBe(`1 credit for ticket #${created.number} "${created.subject}" is back in your balance. Answered from the FAQ.`);

    const refundAgain = await admin.client.rpc('refund_ticket', {
      p_ticket_id: created.id,
      p_credits: 5,
      p_reason: 'Too much',
      p_idempotency_key: crypto.randomUUID(),
    });
    expectError(refundAgain, '22023', 'invalid_input', 'refunding more than was charged');
    expect(refundAgain.error?.details).toBe('Refund between 1 and 4 credits.');

    expect((await ledger(customer.accountId)).length, 'the ledger lines behind the texts').toBe(5);
    const texts = await writtenFor(customer);
    expect(texts.filter((text) => /\b1 credits\b/.test(text)), 'no "1 credits" anywhere').toEqual([]);
  });

  it('a charge of 1 credit says so', async () => {
    const customer = await createPerson();
    await adjustCredits(admin, customer.accountId, 10);
    const created = await createTicket(customer, true);
    // A level-1 category of 1 credit is charged at once.
    const code = `one_${crypto.randomUUID().slice(0, 8)}`;
    await sql("insert into public.ticket_categories (code, level, name, credits) values ($1, 1, 'One credit', 1)", [code]);
    expect((await assess(engineer, created.id, code)).status).toBe('in_progress');
    const [charged] = await notifications(customer.userId, 'charged');
    expect(charged?.title).toBe(`Ticket #${created.number} was charged 1 credit`);
    expect(charged?.body).toBe(`1 credit was taken for ticket #${created.number} "${created.subject}"; an engineer is working on it.`);
  });
});
