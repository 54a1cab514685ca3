/**
 * Customers read their tickets' threads and audit trails, which name who wrote or did what. Staff who
 * set no display name appear as "Pro Portal support", never by their e-mail address.
 */
import { describe, expect, it } from 'vitest';
import { assess, checkInvariantsAfterAll, createPerson, createTicket, ok } from './support.ts';

checkInvariantsAfterAll();

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

});
