/**
 * Customers read their tickets' threads and audit trails, which name who wrote or did what. Staff who
 * set no display name appear as "Pro Portal support", never by their e-mail address — for new rows and
 * for rows written before migration 20261204000600.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assess, checkInvariantsAfterAll, createPerson, createTicket, ok, sql, sqlRow } from './support.ts';

checkInvariantsAfterAll();

const MIGRATION = readFileSync(new URL('../migrations/20261204000600_staff_names_on_tickets.sql', import.meta.url), 'utf8');

describe('staff names on tickets', () => {
  it('an engineer without a display name is "Pro Portal support" in what the customer reads', async () => {
    const customer = await createPerson('customer');
    const engineer = await createPerson('engineer', '');
    const opened = await createTicket(customer, false);
    ok(await engineer.client.rpc('post_message', { p_ticket_id: opened.id, p_body: 'Which version are you on?' }), 'post_message');
    await assess(engineer, opened.id, 'question');

    const messages = ok(await customer.client.from('ticket_messages').select('author_name, from_staff').eq('ticket_id', opened.id), 'messages');
    const staffNames = messages.filter((m) => m.from_staff).map((m) => m.author_name);
    expect(staffNames, 'the engineer replied once').toHaveLength(1);
    expect(staffNames, 'named without the address').toEqual(['Pro Portal support']);

    const events = ok(await customer.client.from('ticket_events').select('actor_id, actor_name').eq('ticket_id', opened.id), 'events');
    const byEngineer = events.filter((e) => e.actor_id === engineer.userId).map((e) => e.actor_name);
    expect(byEngineer.length, 'the assessment is on the trail').toBeGreaterThan(0);
    for (const name of byEngineer) expect(name).toBe('Pro Portal support');
    for (const row of [...messages, ...events]) expect(JSON.stringify(row)).not.toContain(engineer.email);
  });

  it("a staff display name that is an address is not shown; a real one is; a customer's own name stays", async () => {
    const customer = await createPerson('customer', 'Casey Customer');
    const addressed = await createPerson('engineer', 'me@example.test');
    const named = await createPerson('engineer', 'Erin Engineer');
    const opened = await createTicket(customer, false);
    for (const engineer of [addressed, named]) {
      ok(await engineer.client.rpc('post_message', { p_ticket_id: opened.id, p_body: 'Looking into it.' }), 'post_message');
    }
    ok(await customer.client.rpc('post_message', { p_ticket_id: opened.id, p_body: 'Thanks.' }), 'customer reply');
    const names = ok(await customer.client.from('ticket_messages').select('author_id, author_name').eq('ticket_id', opened.id), 'messages');
    const nameOf = (id: string) => names.filter((m) => m.author_id === id).map((m) => m.author_name);
    expect(nameOf(addressed.userId)).toEqual(['Pro Portal support']);
    expect(nameOf(named.userId)).toEqual(['Erin Engineer']);
    expect(nameOf(customer.userId)).toEqual(['Casey Customer']);
  });

  it('the migration renames staff rows written under an address, and leaves customers\' rows alone', async () => {
    const customer = await createPerson('customer', '');
    const engineer = await createPerson('engineer', '');
    const opened = await createTicket(customer, false);
    ok(await engineer.client.rpc('post_message', { p_ticket_id: opened.id, p_body: 'Hello.' }), 'staff reply');
    ok(await customer.client.rpc('post_message', { p_ticket_id: opened.id, p_body: 'Hi.' }), 'customer reply');
    // As the old app.display_name() wrote them: the address where there was no name.
    await sql('update public.ticket_messages set author_name = $2 where author_id = $1', [engineer.userId, engineer.email]);
    await sql('update public.ticket_messages set author_name = $2 where author_id = $1', [customer.userId, customer.email]);
    await sql("update public.ticket_events set actor_name = $2 where actor_id = $1", [engineer.userId, engineer.email]);

    for (const statement of MIGRATION.split(/;\s*\n/).filter((part) => /^\s*update /m.test(part))) await sql(statement);

    const staffRow = await sqlRow<{ author_name: string }>('select author_name from public.ticket_messages where author_id = $1', [engineer.userId]);
    expect(staffRow.author_name).toBe('Pro Portal support');
    const customerRow = await sqlRow<{ author_name: string }>('select author_name from public.ticket_messages where author_id = $1', [customer.userId]);
    expect(customerRow.author_name, 'a customer is still named by address to staff and their own account').toBe(customer.email);
    const events = await sql<{ actor_name: string }>('select actor_name from public.ticket_events where actor_id = $1', [engineer.userId]);
    for (const event of events) expect(event.actor_name).toBe('Pro Portal support');
  });
});
