/** Computed fields and computed relationships, as PostgREST exposes functions of a table's row. */
import { describe, expect, it } from 'vitest';
import { anonClient } from './helpers.ts';
import { rest } from './rest-helpers.ts';

const db = anonClient();

describe('computed fields', () => {
  it('selects a function of the row like a column, not as part of *', async () => {
    const { data, error } = await db.from('conf_books').select('id, conf_label').eq('id', 3);
    expect(error).toBeNull();
    expect(data).toEqual([{ id: 3, conf_label: 'Solaris (204 pages)' }]);
    const star = await db.from('conf_books').select('*').eq('id', 3).single();
    expect(star.data).not.toHaveProperty('conf_label');
  });

  it('filters and orders by it, and renames it', async () => {
    const { data, error } = await db
      .from('conf_books')
      .select('id, label:conf_label')
      .like('conf_label', '%?%')
      .order('conf_label', { ascending: false });
    expect(error).toBeNull();
    expect(data).toEqual([{ id: 6, label: 'A Wizard, (of) "Earthsea" (? pages)' }]);
  });

  it('is available inside embeds', async () => {
    const { data } = await db.from('conf_authors').select('id, conf_books!author_id(conf_label)').eq('id', 3).single();
    expect(data).toEqual({ id: 3, conf_books: [{ conf_label: 'Kindred (264 pages)' }] });
  });

  it('still answers 400 42703 for a name that is neither column nor computed field', async () => {
    const response = await rest('/conf_books?select=id,conf_nothing');
    expect(response.status).toBe(400);
    expect((await response.json()).code).toBe('42703');
  });
});

describe('computed relationships', () => {
  it('embeds a to-one function (setof … rows 1) as an object', async () => {
    const { data, error } = await db.from('conf_books').select('id, conf_author(name)').in('id', [1, 3]).order('id');
    expect(error).toBeNull();
    expect(data).toEqual([{ id: 1, conf_author: { name: 'Ursula' } }, { id: 3, conf_author: { name: 'Stanislaw' } }]);
  });

  it('embeds a to-many function as an array, with filters, order and !inner', async () => {
    const { data, error } = await db
      .from('conf_authors')
      .select('name, conf_long_books!inner(id, pages)')
      .order('id', { referencedTable: 'conf_long_books', ascending: false });
    expect(error).toBeNull();
    expect(data).toEqual([{ name: 'Ursula', conf_long_books: [{ id: 2, pages: 304 }, { id: 1, pages: 387 }] }]);
  });
});

describe('computed fields in writes', () => {
  it('returns them in the representation of an insert and an update, and filters an update by one', async () => {
    const label = `computed-${process.pid}-${Date.now()}`;
    const inserted = await db.from('conf_scratch').insert({ label, qty: 2 }).select('label, conf_tagline').single();
    expect(inserted.error).toBeNull();
    expect(inserted.data).toEqual({ label, conf_tagline: `${label} x2` });
    const updated = await db.from('conf_scratch').update({ qty: 3 }).eq('conf_tagline', `${label} x2`).select('conf_tagline');
    expect(updated.error).toBeNull();
    expect(updated.data).toEqual([{ conf_tagline: `${label} x3` }]);
    await db.from('conf_scratch').delete().eq('label', label);
  });
});
