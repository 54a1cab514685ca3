/**
 * The catalogue (docs/design.md §1.1, §1.4): packages and their price range, the admin-editable price list,
 * the release list and upgrade pricing (4.3.1 → 4.3.9 = 50). Orders keep the price they were made with.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  anonClient,
  assess,
  checkInvariantsAfterAll,
  createCast,
  createOrder,
  createTicket,
  expectError,
  ok,
  type Person,
  sql,
  sqlRow,
} from './support.ts';

checkInvariantsAfterAll();

let customer: Person;
let engineer: Person;
let admin: Person;

beforeAll(async () => {
  ({ customer, engineer, admin } = await createCast());
});

describe('packages', () => {
  it('anyone reads the seven active packages, 25 to 500 credits, priced $100.00 – $500.00', async () => {
    const rows = ok(
      await anonClient().from('credit_packages').select('credits, price_cents, currency, active').order('credits'),
      'anon reads packages',
    );
    expect(rows.map((row) => row.credits), 'the seeded package sizes').toEqual([25, 50, 100, 200, 300, 400, 500]);
    expect(rows.every((row) => row.active && row.currency === 'usd'), 'active, in dollars').toBe(true);
    const prices = rows.map((row) => row.price_cents);
    expect([Math.min(...prices), Math.max(...prices)], 'the product page price range').toEqual([10_000, 50_000]);
  });

  it('inactive packages are hidden from customers and anon, visible to admins', async () => {
    const created = ok(
      await admin.client
        .from('credit_packages')
        .insert({ name: `Retired ${randomUUID()}`, credits: 75, price_cents: 29_900, active: false })
        .select('id')
        .single(),
      'admin adds an inactive package',
    );
    for (const [who, client] of [
      ['anon', anonClient()],
      ['customer', customer.client],
      ['engineer', engineer.client],
    ] as const) {
      const rows = ok(await client.from('credit_packages').select('id').eq('id', created.id), `${who} looks for it`);
      expect(rows, `${who} does not see an inactive package`).toEqual([]);
    }
    const rows = ok(await admin.client.from('credit_packages').select('id').eq('id', created.id), 'admin looks for it');
    expect(rows, 'admin sees it').toEqual([{ id: created.id }]);
    ok(await admin.client.from('credit_packages').delete().eq('id', created.id), 'admin deletes an unused package');
  });

  it('an admin changes a price; an existing order keeps the price it was created with', async () => {
    const pkg = await sqlRow<{ id: string; price_cents: number; updated_at: Date }>(
      'select id, price_cents, updated_at from public.credit_packages where credits = 50 and active',
    );
    const order = await createOrder(customer, 50);
    expect(order.amount_cents, 'order copies the current price').toBe(pkg.price_cents);
    try {
      const updated = ok(
        await admin.client
          .from('credit_packages')
          .update({ price_cents: pkg.price_cents + 100 })
          .eq('id', pkg.id)
          .select('price_cents, updated_at')
          .single(),
        'admin raises the price',
      );
      expect(updated.price_cents, 'new price stored').toBe(pkg.price_cents + 100);
      expect(new Date(updated.updated_at).getTime(), 'updated_at kept').toBeGreaterThan(pkg.updated_at.getTime());
      const after = await sqlRow<{ amount_cents: number }>('select amount_cents from public.orders where id = $1', [order.id]);
      expect(after.amount_cents, 'the order keeps its price').toBe(pkg.price_cents);
    } finally {
      await sql('update public.credit_packages set price_cents = $2 where id = $1', [pkg.id, pkg.price_cents]);
    }
  });

  it('customers and engineers cannot change packages', async () => {
    const pkg = await sqlRow<{ id: string; price_cents: number }>(
      'select id, price_cents from public.credit_packages where credits = 100 and active',
    );
    for (const person of [customer, engineer]) {
      const rows = ok(
        await person.client.from('credit_packages').update({ price_cents: 1 }).eq('id', pkg.id).select('id'),
        `${person.role} updates a price`,
      );
      expect(rows, `${person.role}: no row updated`).toEqual([]);
      expectError(
        await person.client.from('credit_packages').insert({ name: 'Free credits', credits: 1000, price_cents: 1 }),
        '42501',
        undefined,
        `${person.role} inserts a package`,
      );
    }
    const after = await sqlRow<{ price_cents: number }>('select price_cents from public.credit_packages where id = $1', [pkg.id]);
    expect(after.price_cents, 'price unchanged').toBe(pkg.price_cents);
  });

  it('the console is validated too: a price must be > 0', async () => {
    await expect(
      sql('update public.credit_packages set price_cents = 0 where credits = 25'),
      'zero price refused for the console',
    ).rejects.toMatchObject({ code: '23514' });
    await expect(
      sql("insert into public.credit_packages (name, credits, price_cents) values ('Negative', 10, -5)"),
      'negative price refused',
    ).rejects.toMatchObject({ code: '23514' });
  });
});

describe('categories', () => {
  it('anyone reads the seeded price list (docs/design.md §1.4)', async () => {
    const rows = ok(
      await anonClient()
        .from('ticket_categories')
        .select('code, level, credits, min_credits, per_step_credits, included_steps')
        .in('code', ['question', 'configuration', 'code_modification', 'investigation', 'upgrade'])
        .order('code'),
      'anon reads categories',
    );
    expect(rows, 'the five categories and their prices').toEqual([
      { code: 'code_modification', level: 3, credits: 20, min_credits: 20, per_step_credits: null, included_steps: null },
      { code: 'configuration', level: 2, credits: 10, min_credits: null, per_step_credits: null, included_steps: null },
      { code: 'investigation', level: 3, credits: 20, min_credits: null, per_step_credits: null, included_steps: null },
      { code: 'question', level: 1, credits: 5, min_credits: null, per_step_credits: null, included_steps: null },
      { code: 'upgrade', level: 3, credits: 20, min_credits: null, per_step_credits: 5, included_steps: 2 },
    ]);
  });

  it('prices live in the table: a category an admin adds prices the next assessment', async () => {
    const code = `t_${randomUUID().slice(0, 8)}`;
    ok(
      await admin.client.from('ticket_categories').insert({ code, level: 2, name: 'Test category', credits: 15 }),
      'admin adds a category',
    );
    const created = await createTicket(customer, false);
    const assessed = await assess(engineer, created.id, code);
    expect(assessed, 'quoted at the table price, awaiting confirmation (level 2, cost first)').toMatchObject({
      status: 'awaiting_confirmation',
      quoted_credits: 15,
      charged_credits: 0,
    });
    expectError(
      await customer.client.from('ticket_categories').insert({ code: `${code}x`, level: 1, name: 'Cheap', credits: 1 }),
      '42501',
      undefined,
      'customer adds a category',
    );
    const rows = ok(
      await engineer.client.from('ticket_categories').update({ credits: 1 }).eq('code', 'question').select('code'),
      'engineer edits a price',
    );
    expect(rows, 'engineers do not edit prices').toEqual([]);
  });
});

describe('releases and upgrade cost', () => {
  it('the release list is seeded in order', async () => {
    const rows = ok(
      await anonClient().from('product_releases').select('version').like('version', '4.%').order('position'),
      'anon reads releases',
    );
    const expected = [
      ...[0, 1, 2, 3, 4, 5].map((n) => `4.2.${n}`),
      ...[0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => `4.3.${n}`),
      ...[0, 1, 2].map((n) => `4.4.${n}`),
    ];
    expect(rows.map((row) => row.version), '4.2.0–4.2.5, 4.3.0–4.3.9, 4.4.0–4.4.2').toEqual(expected);
  });

  it.each([
    ['4.3.1', '4.3.9', 50],
    ['4.3.1', '4.3.2', 20],
    ['4.3.1', '4.3.3', 20],
    ['4.3.1', '4.3.4', 25],
    ['4.2.5', '4.3.0', 20],
    ['4.2.0', '4.4.2', 20 + 5 * (18 - 2)],
  ])('upgrade_cost(%s, %s) = %i, for anyone', async (from, to, credits) => {
    const result = await anonClient().rpc('upgrade_cost', { p_from: from, p_to: to });
    expect(ok(result, 'anon calls upgrade_cost'), `${from} → ${to}`).toBe(credits);
  });

  it.each([
    ['4.3.9', '4.3.1', 'to before from'],
    ['4.3.1', '4.3.1', 'to equal to from'],
    ['4.3.1', '9.9.9', 'unknown to'],
    ['1.0', '4.3.1', 'unknown from'],
    ['', '4.3.1', 'empty from'],
  ])('upgrade_cost(%s, %s) is bad input (%s)', async (from, to) => {
    expectError(await anonClient().rpc('upgrade_cost', { p_from: from, p_to: to }), '22023', 'invalid_input', `${from} → ${to}`);
  });

  it('an admin moves 4.3.5 up in one call: positions swap and upgrade prices follow; moving it back restores them', async () => {
    const positions = async () =>
      Object.fromEntries(
        (await sql<{ version: string; position: number }>(
          "select version, position from public.product_releases where version in ('4.3.4', '4.3.5')",
        )).map((row) => [row.version, row.position]),
      );
    const cost = async (to: string) => ok(await anonClient().rpc('upgrade_cost', { p_from: '4.3.1', p_to: to }), `upgrade_cost 4.3.1 → ${to}`);
    const before = await positions();
    expect(await cost('4.3.4'), '4.3.1 → 4.3.4 is three steps before the move').toBe(25);
    expect(await cost('4.3.5'), '4.3.1 → 4.3.5 is four steps before the move').toBe(30);
    try {
      const moved: Array<{ version: string; position: number }> = ok(
        await admin.client.rpc('move_release', { p_version: '4.3.5', p_direction: 'up' }),
        'admin moves 4.3.5 up',
      );
      expect(
        moved.map((row) => [row.version, row.position]),
        'returns both releases in their new order',
      ).toEqual([
        ['4.3.5', before['4.3.4']],
        ['4.3.4', before['4.3.5']],
      ]);
      expect(await positions(), 'the two positions are swapped').toEqual({ '4.3.4': before['4.3.5'], '4.3.5': before['4.3.4'] });
      expect(await cost('4.3.5'), '4.3.5 now comes before 4.3.4').toBe(25);
      expect(await cost('4.3.4'), '4.3.4 is now four steps after 4.3.1').toBe(30);
    } finally {
      ok(await admin.client.rpc('move_release', { p_version: '4.3.5', p_direction: 'down' }), 'admin moves 4.3.5 back down');
    }
    expect(await positions(), 'moving it back restores the seed order').toEqual(before);
    expect(await cost('4.3.5'), 'and the seed price').toBe(30);
  });

  it('only admins move releases; an unknown version, a bad direction or moving past the end is refused', async () => {
    const before = await sql<{ version: string; position: number }>("select version, position from public.product_releases where version like '4.%' order by position");
    expectError(await customer.client.rpc('move_release', { p_version: '4.3.5', p_direction: 'up' }), '42501', 'forbidden', 'a customer moves a release');
    expectError(await engineer.client.rpc('move_release', { p_version: '4.3.5', p_direction: 'up' }), '42501', 'forbidden', 'an engineer moves a release');
    expectError(await anonClient().rpc('move_release', { p_version: '4.3.5', p_direction: 'up' }), '42501', undefined, 'anon moves a release');
    expectError(await admin.client.rpc('move_release', { p_version: '9.9.9.9', p_direction: 'up' }), 'PT404', 'not_found', 'an unknown version');
    expectError(await admin.client.rpc('move_release', { p_version: '4.3.5', p_direction: 'sideways' }), '22023', 'invalid_input', 'a bad direction');
    expectError(await admin.client.rpc('move_release', { p_version: ' ', p_direction: 'up' }), '22023', 'invalid_input', 'no version');
    const first = await sqlRow<{ version: string }>('select version from public.product_releases order by position limit 1');
    expectError(await admin.client.rpc('move_release', { p_version: first.version, p_direction: 'up' }), 'PT409', 'invalid_state', 'the first release up');
    expect(
      await sql("select version, position from public.product_releases where version like '4.%' order by position"),
      'refused moves change nothing',
    ).toEqual(before);
  });
});
