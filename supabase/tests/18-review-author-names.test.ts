/**
 * Reviews are public: they show the author's display name, or "Customer", never an e-mail address —
 * for new reviews and after a rename.
 */
import { describe, expect, it } from 'vitest';
import { anonClient, buyCredits, checkInvariantsAfterAll, createPerson, expectError, ok, type Person, sqlRow } from './support.ts';

checkInvariantsAfterAll();

async function review(person: Person): Promise<{ author_name: string }> {
  return ok(
    await person.client.rpc('submit_review', { p_rating: 5, p_title: 'Quick help', p_body: 'Answered within the hour.' }).single<{ author_name: string }>(),
    'submit_review',
  );
}

async function publicName(person: Person): Promise<string> {
  const rows = ok(await anonClient().from('reviews').select('author_name').eq('author_id', person.userId), 'anon reads reviews');
  expect(rows, 'one review').toHaveLength(1);
  return (rows[0] as { author_name: string }).author_name;
}

describe('review author names', () => {
  it('a purchaser without a display name is "Customer", not their e-mail address', async () => {
    const person = await createPerson('customer', '');
    await buyCredits(person, 25);
    expect((await review(person)).author_name, 'returned by submit_review').toBe('Customer');
    expect(await publicName(person), 'what visitors read').toBe('Customer');
  });

  it('a name given at sign-up that is an address is not published either', async () => {
    const person = await createPerson('customer', 'me@example.test');
    await buyCredits(person, 25);
    expect((await review(person)).author_name).toBe('Customer');
  });

  it('the display name signs the review, and a rename renames the review', async () => {
    const person = await createPerson('customer', 'Riley Reviewer');
    await buyCredits(person, 25);
    expect((await review(person)).author_name).toBe('Riley Reviewer');
    ok(await person.client.from('profiles').update({ full_name: '  Riley R.  ' }).eq('id', person.userId).select('id'), 'rename');
    expect(await publicName(person), 'the review follows the rename (trimmed)').toBe('Riley R.');
  });

  it('setting an e-mail address as display name is refused with invalid_input and changes nothing', async () => {
    const person = await createPerson('customer', 'Sam Saver');
    await buyCredits(person, 25);
    await review(person);
    expectError(
      await person.client.from('profiles').update({ full_name: `Sam <${person.email}>` }).eq('id', person.userId).select('id'),
      '22023',
      'invalid_input',
      'e-mail as display name',
    );
    const row = await sqlRow<{ full_name: string }>('select full_name from public.profiles where id = $1', [person.userId]);
    expect(row.full_name, 'the name is unchanged').toBe('Sam Saver');
    expect(await publicName(person), 'the review is unchanged').toBe('Sam Saver');
  });

});
