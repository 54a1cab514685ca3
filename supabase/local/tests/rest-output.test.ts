/** Response shapes PostgREST builds in SQL: CSV as Postgres quotes records; embed alias clashes. */
import { describe, expect, it } from 'vitest';
import { anonClient } from './helpers.ts';

const db = anonClient();

describe('duplicate embed aliases', () => {
  it('raise Postgres’ error as PostgREST’s generated join names do (400 42712)', async () => {
    const { error, status } = await db.from('conf_books').select('id, a:conf_authors!author_id(name), a:conf_authors!editor_id(name)');
    expect(status).toBe(400);
    expect(error).toMatchObject({ code: '42712', message: 'table name "conf_books_a_1" specified more than once' });
  });

  it('allow one alias on different levels', async () => {
    const { data, error } = await db
      .from('conf_books')
      .select('id, a:conf_authors!author_id(name, a:conf_author_profiles(website))')
      .eq('id', 1)
      .single();
    expect(error).toBeNull();
    expect(data).toEqual({ id: 1, a: { name: 'Ursula', a: { website: 'https://ursula.example' } } });
  });
});
