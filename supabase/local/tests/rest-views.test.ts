/** Embedding through views: relationships inferred from the views' base tables, as PostgREST does. */
import { describe, expect, it } from 'vitest';
import { anonClient } from './helpers.ts';
import { rest } from './rest-helpers.ts';

const db = anonClient();

describe('embedding through views', () => {
  it('embeds a table from a view, through a renamed foreign-key column', async () => {
    const { data, error } = await db.from('conf_books_view').select('title, conf_authors(name)').eq('id', 3).single();
    expect(error).toBeNull();
    expect(data).toEqual({ title: 'Solaris', conf_authors: { name: 'Stanislaw' } });
  });

  it('embeds a view from a table, one-to-many', async () => {
    const { data, error } = await db.from('conf_authors').select('name, conf_books_view(id)').eq('id', 2).single();
    expect(error).toBeNull();
    expect(data).toEqual({ name: 'Stanislaw', conf_books_view: [{ id: 3 }, { id: 4 }] });
  });

  it('embeds a view from a view, with the view’s column as hint', async () => {
    const { data, error } = await db
      .from('conf_books_view')
      .select('id, conf_authors_view!writer_id(author_key, name)')
      .eq('id', 5)
      .single();
    expect(error).toBeNull();
    expect(data).toEqual({ id: 5, conf_authors_view: { author_key: 3, name: 'Octavia' } });
  });

  it('follows a view of a view to the base table', async () => {
    const { data, error } = await db.from('conf_books_view_nested').select('id, conf_authors(name)').order('id').limit(2);
    expect(error).toBeNull();
    expect(data).toEqual([{ id: 1, conf_authors: { name: 'Ursula' } }, { id: 2, conf_authors: { name: 'Ursula' } }]);
  });

  it('still answers 400 PGRST200 where no key is exposed', async () => {
    const response = await rest('/conf_authors_view?select=name,conf_tags(label)');
    expect(response.status).toBe(400);
    expect((await response.json()).code).toBe('PGRST200');
  });
});
