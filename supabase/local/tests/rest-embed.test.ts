/**
 * Embedding as PostgREST resolves it: self-references, targets and `!hints` by constraint and
 * column, and the PGRST200/PGRST201 errors with their details and hints.
 */
import { describe, expect, it } from 'vitest';
import { anonClient } from './helpers.ts';
import { rest } from './rest-helpers.ts';

const db = anonClient();

describe('a table that references itself', () => {
  it('embeds the parent through the column and the children through the table name', async () => {
    const { data, error } = await db
      .from('conf_messages')
      .select('id, parent:parent_id(id, body), replies:conf_messages(id)')
      .eq('id', 2)
      .single();
    expect(error).toBeNull();
    expect(data).toEqual({ id: 2, parent: { id: 1, body: 'root' }, replies: [{ id: 4 }] });
  });

  it('embeds the children with the referencing column as hint', async () => {
    const { data, error } = await db.from('conf_messages').select('id, conf_messages!parent_id(id)').eq('id', 1);
    expect(error).toBeNull();
    expect(data).toEqual([{ id: 1, conf_messages: [{ id: 2 }, { id: 3 }] }]);
  });

  it('answers null for a root’s parent', async () => {
    const { data } = await db.from('conf_messages').select('id, parent_id(id)').eq('id', 1);
    expect(data).toEqual([{ id: 1, parent_id: null }]);
  });
});

describe('targets and hints', () => {
  it('picks a foreign key by constraint name or by column', async () => {
    const { data, error } = await db
      .from('conf_messages')
      .select('id, author:conf_authors!conf_messages_author(name), reviewer:conf_authors!reviewer_id(name)')
      .eq('id', 1)
      .single();
    expect(error).toBeNull();
    expect(data).toEqual({ id: 1, author: { name: 'Ursula' }, reviewer: { name: 'Stanislaw' } });
  });

  it('takes a constraint name or a column as the target itself', async () => {
    const { data, error } = await db
      .from('conf_messages')
      .select('id, conf_messages_author(name), reviewer_id(name)')
      .eq('id', 4)
      .single();
    expect(error).toBeNull();
    expect(data).toEqual({ id: 4, conf_messages_author: { name: 'Ursula' }, reviewer_id: { name: 'Ursula' } });
  });

  it('embeds the referencing side with the constraint as hint', async () => {
    const { data, error } = await db
      .from('conf_authors')
      .select('id, reviewed:conf_messages!conf_messages_reviewer(id)')
      .eq('id', 2)
      .single();
    expect(error).toBeNull();
    expect(data).toEqual({ id: 2, reviewed: [{ id: 1 }] });
  });
});

describe('disambiguation errors', () => {
  it('answers 300 PGRST201 with every candidate in details and the hints to pick one', async () => {
    const response = await rest('/conf_messages?select=conf_authors(name)');
    expect(response.status).toBe(300);
    expect(await response.json()).toEqual({
      code: 'PGRST201',
      message: "Could not embed because more than one relationship was found for 'conf_messages' and 'conf_authors'",
      details: [
        {
          cardinality: 'many-to-one',
          embedding: 'conf_messages with conf_authors',
          relationship: 'conf_messages_author using conf_messages(author_id) and conf_authors(id)',
        },
        {
          cardinality: 'many-to-one',
          embedding: 'conf_messages with conf_authors',
          relationship: 'conf_messages_reviewer using conf_messages(reviewer_id) and conf_authors(id)',
        },
      ],
      hint: "Try changing 'conf_authors' to one of the following: 'conf_authors!conf_messages_author', " +
        "'conf_authors!conf_messages_reviewer'. Find the desired relationship in the 'details' key.",
    });
  });

  it('stays ambiguous when the hint names the referenced column both keys share', async () => {
    const { error, status } = await db.from('conf_messages').select('conf_authors!id(name)');
    expect(status).toBe(300);
    expect(error?.code).toBe('PGRST201');
  });

  it('describes one-to-many candidates from the referenced side', async () => {
    const response = await rest('/conf_authors?select=conf_books(id)');
    expect(response.status).toBe(300);
    const body = await response.json();
    expect(body.details).toEqual([
      {
        cardinality: 'one-to-many',
        embedding: 'conf_authors with conf_books',
        relationship: 'conf_books_author_id_fkey using conf_authors(id) and conf_books(author_id)',
      },
      {
        cardinality: 'one-to-many',
        embedding: 'conf_authors with conf_books',
        relationship: 'conf_books_editor_id_fkey using conf_authors(id) and conf_books(editor_id)',
      },
    ]);
  });

  it('answers 400 PGRST200 with the hint searched and a close table name', async () => {
    const response = await rest('/conf_messages?select=conf_author(name)');
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      code: 'PGRST200',
      message: "Could not find a relationship between 'conf_messages' and 'conf_author' in the schema cache",
      details: "Searched for a foreign key relationship between 'conf_messages' and 'conf_author' in the schema 'public', but no matches were found.",
      hint: "Perhaps you meant 'conf_authors' instead of 'conf_author'.",
    });
    const hinted = await rest('/conf_messages?select=conf_authors!nope(name)');
    expect(await hinted.json()).toMatchObject({
      code: 'PGRST200',
      details: "Searched for a foreign key relationship between 'conf_messages' and 'conf_authors' using the hint 'nope' in the schema 'public', but no matches were found.",
    });
  });
});

describe('ordering by a to-one embed', () => {
  it('orders parents by a column of a many-to-one embed, with direction and nulls', async () => {
    const { data, error } = await db
      .from('conf_books')
      .select('id, editor:conf_authors!editor_id(name)')
      .in('id', [1, 2, 3])
      .order('editor(name)', { ascending: true, nullsFirst: true })
      .order('id');
    expect(error).toBeNull();
    expect(data).toEqual([
      { id: 2, editor: null },
      { id: 1, editor: { name: 'Stanislaw' } },
      { id: 3, editor: { name: 'Ursula' } },
    ]);
  });

  it('orders by a computed to-one relationship and inside embeds', async () => {
    const { data, error } = await db
      .from('conf_authors')
      .select('id, conf_books!author_id(id, conf_author(name))')
      .eq('id', 1)
      .order('conf_author(name)', { referencedTable: 'conf_books', ascending: false })
      .order('id', { referencedTable: 'conf_books', ascending: false });
    expect(error).toBeNull();
    expect(data?.[0]?.conf_books.map((b: { id: number }) => b.id)).toEqual([6, 2, 1]);
  });

  it('refuses a related order on a to-many embed (400 PGRST118) or one not selected (PGRST108)', async () => {
    const toMany = await rest('/conf_authors?select=id,conf_books!author_id(id)&order=conf_books(id)');
    expect(toMany.status).toBe(400);
    expect(await toMany.json()).toEqual({
      code: 'PGRST118',
      message: "A related order on 'conf_books' is not possible",
      details: "'conf_authors' and 'conf_books' do not form a many-to-one or one-to-one relationship",
      hint: null,
    });
    const missing = await rest('/conf_books?select=id&order=conf_authors(name)');
    expect(missing.status).toBe(400);
    expect((await missing.json()).code).toBe('PGRST108');
  });
});

describe('spreading a to-many embed', () => {
  it('turns each spread column into an array of its values, [] when there are none', async () => {
    const { data, error } = await db
      .from('conf_authors')
      .select('name, ...conf_books!author_id(titles:title, pages)')
      .order('id')
      .order('id', { referencedTable: 'conf_books' });
    expect(error).toBeNull();
    expect(data).toEqual([
      { name: 'Ursula', titles: ['The Dispossessed', 'The Left Hand of Darkness', 'A Wizard, (of) "Earthsea"'], pages: [387, 304, null] },
      { name: 'Stanislaw', titles: ['Solaris', 'The Cyberiad'], pages: [204, 295] },
      { name: 'Octavia', titles: ['Kindred'], pages: [264] },
    ]);
    const none = await db.from('conf_tags').select('label, ...conf_books(id)').eq('id', 3).single();
    expect(none.data).toEqual({ label: 'unused', id: [] });
  });

  it('keeps only parents with rows under !inner', async () => {
    const { data, error } = await db
      .from('conf_tags')
      .select('label, ...conf_books!inner(id)')
      .order('id')
      .order('id', { referencedTable: 'conf_books' });
    expect(error).toBeNull();
    expect(data).toEqual([{ label: 'classic', id: [1, 3] }, { label: 'award', id: [1, 6] }]);
  });
});
