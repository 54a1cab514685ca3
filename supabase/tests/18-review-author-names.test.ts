/**
 * Reviews are public: they show the author's display name, or "Customer", never an e-mail address —
 * for new reviews, after a rename, and for reviews written before migration 20261204000500.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { anonClient, buyCredits, checkInvariantsAfterAll, createPerson, expectError, ok, type Person, sql, sqlRow } from './support.ts';

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

  it("the migration renames existing reviews that show an address to the author's public name", async () => {
    const named = await createPerson('customer', 'Nora Named');
    const unnamed = await createPerson('customer', '');
    const kept = await createPerson('customer', 'Kim Kept');
    const insert = 'insert into public.reviews (author_id, author_name, rating, title, body) values ($1, $2, 4, $3, $4)';
    await sql(insert, [named.userId, named.email, 'Good', 'Fine.']);
    await sql(insert, [unnamed.userId, unnamed.email, 'Good', 'Fine.']);
    await sql(insert, [kept.userId, 'Kim (old name)', 'Good', 'Fine.']);

    // The migration's own data change, as it is written in the file.
    const migration = readFileSync(new URL('../migrations/20261204000500_review_display_names.sql', import.meta.url), 'utf8');
    const statement = /^update public\.reviews r set author_name[\s\S]*?;$/m.exec(migration)?.[0];
    expect(statement, 'the migration renames reviews').toBeDefined();
    await sql(statement ?? 'select 1');

    expect(await publicName(named), 'an address becomes the display name').toBe('Nora Named');
    expect(await publicName(unnamed), 'an address without a display name becomes "Customer"').toBe('Customer');
    expect(await publicName(kept), 'a name that is not an address is left alone').toBe('Kim (old name)');
    const leaks = await sqlRow<{ n: number }>(
      "select count(*)::int as n from public.reviews where author_name ~ '[^[:space:]@]+@[^[:space:]@]+\\.[^[:space:]@]+'",
    );
    expect(leaks.n, 'no review shows an address').toBe(0);
  });
});
