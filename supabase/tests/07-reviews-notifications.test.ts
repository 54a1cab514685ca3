/**
 * Reviews (docs/design.md §1.9): only signed-in customers who bought a package review the product, one review
 * each, editable; everyone reads them. Notifications: each person reads and marks only their own.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  anonClient,
  buyCredits,
  checkInvariantsAfterAll,
  createOrder,
  createPerson,
  defined,
  expectError,
  ok,
  type Person,
  serviceClient,
  sqlRow,
} from './support.ts';

checkInvariantsAfterAll();

interface Review {
  id: string;
  author_id: string;
  author_name: string;
  rating: number;
  title: string;
  body: string;
}

describe('reviews', () => {
  it('someone who has not bought a package cannot review (purchase_required)', async () => {
    const person = await createPerson();
    await createOrder(person, 25); // a pending order is not a purchase
    expectError(
      await person.client.rpc('submit_review', { p_rating: 5, p_title: 'Great support', p_body: 'Fast answers.' }),
      'PT403',
      'purchase_required',
      'review without a purchase',
    );
    const row = await sqlRow<{ n: number }>('select count(*)::int as n from public.reviews where author_id = $1', [person.userId]);
    expect(row.n, 'no review stored').toBe(0);
  });

  it('anon cannot review', async () => {
    expectError(
      await anonClient().rpc('submit_review', { p_rating: 5, p_title: 'Great support', p_body: 'Fast answers.' }),
      '42501',
      undefined,
      'anon review',
    );
  });

  it('a purchaser writes one review, edits it, and everyone reads it with the author name', async () => {
    const person = await createPerson('customer', 'Riley Reviewer');
    await buyCredits(person, 25);
    const first = ok(
      await person.client
        .rpc('submit_review', { p_rating: 4, p_title: 'Good support', p_body: 'Answered within the hour.' })
        .single<Review>(),
      'first review',
    );
    expect(first, 'stored').toMatchObject({ author_id: person.userId, author_name: 'Riley Reviewer', rating: 4, title: 'Good support' });
    const edited = ok(
      await person.client
        .rpc('submit_review', { p_rating: 5, p_title: 'Great support', p_body: 'They fixed the export too.' })
        .single<Review>(),
      'edit',
    );
    expect(edited, 'the same review, edited').toMatchObject({ id: first.id, rating: 5, title: 'Great support' });
    const row = await sqlRow<{ n: number }>('select count(*)::int as n from public.reviews where author_id = $1', [person.userId]);
    expect(row.n, 'one review each').toBe(1);

    const publicView = ok(
      await anonClient().from('reviews').select('author_name, rating, title, body').eq('id', first.id).single(),
      'anon reads reviews',
    );
    expect(publicView, 'public').toEqual({
      author_name: 'Riley Reviewer',
      rating: 5,
      title: 'Great support',
      body: 'They fixed the export too.',
    });
  });

  it.each([
    ['rating 0', { p_rating: 0 }],
    ['rating 6', { p_rating: 6 }],
    ['no rating', { p_rating: null }],
    ['a short title', { p_title: 'Ok' }],
    ['an empty body', { p_body: '' }],
  ])('refuses %s', async (_what, override) => {
    const person = await createPerson();
    await buyCredits(person, 25);
    expectError(
      await person.client.rpc('submit_review', { p_rating: 4, p_title: 'Good support', p_body: 'Fine.', ...override }),
      '22023',
      'invalid_input',
      _what,
    );
  });

  it('reviews are written only through submit_review', async () => {
    const person = await createPerson();
    await buyCredits(person, 25);
    expectError(
      await person.client.from('reviews').insert({ author_id: person.userId, author_name: 'X', rating: 5, title: 'Fake', body: 'Fake' }),
      '42501',
      undefined,
      'insert a review directly',
    );
    const other = await createPerson();
    await buyCredits(other, 25);
    const review = ok(
      await other.client.rpc('submit_review', { p_rating: 2, p_title: 'Slow', p_body: 'Took a day.' }).single<Review>(),
      'other reviews',
    );
    expectError(
      await person.client.from('reviews').update({ rating: 5 }).eq('id', review.id),
      '42501',
      undefined,
      "edit someone else's review",
    );
    expectError(await person.client.from('reviews').delete().eq('id', review.id), '42501', undefined, "delete someone's review");
    const row = await sqlRow<{ rating: number }>('select rating from public.reviews where id = $1', [review.id]);
    expect(row.rating, 'unchanged').toBe(2);
  });
});

describe('notifications', () => {
  let person: Person;
  let other: Person;

  beforeAll(async () => {
    person = await createPerson();
    other = await createPerson();
    await buyCredits(person, 25);
    await buyCredits(person, 50);
    await buyCredits(other, 25);
  });

  it('each person reads only their own', async () => {
    const mine = ok(await person.client.from('notifications').select('kind, user_id, read_at'), 'read notifications');
    expect(mine, 'two credits_added, unread, all mine').toEqual([
      { kind: 'credits_added', user_id: person.userId, read_at: null },
      { kind: 'credits_added', user_id: person.userId, read_at: null },
    ]);
  });

  it('mark_notifications_read marks given ids or all, only the caller’s, and returns how many', async () => {
    const first = defined(ok(await person.client.from('notifications').select('id').order('created_at').limit(1), 'first')[0], 'a notice');
    const theirs = defined(ok(await other.client.from('notifications').select('id'), 'other’s')[0], 'their notice');
    const marked = ok(await person.client.rpc('mark_notifications_read', { p_ids: [first.id, theirs.id] }), 'mark one');
    expect(marked, 'only the caller’s notice counts').toBe(1);
    const otherRow = await sqlRow<{ read_at: Date | null }>('select read_at from public.notifications where id = $1', [theirs.id]);
    expect(otherRow.read_at, 'someone else’s notice stays unread').toBeNull();
    expect(ok(await person.client.rpc('mark_notifications_read', {}), 'mark all'), 'the remaining one').toBe(1);
    expect(ok(await person.client.rpc('mark_notifications_read', {}), 'mark all again'), 'nothing left').toBe(0);
    const unread = ok(await person.client.from('notifications').select('id').is('read_at', null), 'unread');
    expect(unread, 'all read').toEqual([]);
  });

  it('nobody writes notifications directly', async () => {
    expectError(
      await person.client.from('notifications').insert({ user_id: person.userId, kind: 'credits_added', title: 'Free', body: '' }),
      '42501',
      undefined,
      'insert a notification',
    );
    expectError(
      await person.client.from('notifications').update({ title: 'Changed' }).eq('user_id', person.userId),
      '42501',
      undefined,
      'update a notification',
    );
    expectError(
      await serviceClient().from('notifications').insert({ user_id: person.userId, kind: 'credits_added', title: 'Free', body: '' }),
      '42501',
      undefined,
      'service role inserts a notification',
    );
  });
});
