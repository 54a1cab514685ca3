/** REST writes: insert, upsert, update, delete, their Prefer options, and the errors they answer. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonClient, sql } from './helpers.ts';
import { rest } from './rest-helpers.ts';

const db = anonClient();
/** Labels unique to this run, so reruns and parallel files never collide. */
const tag = `w${process.pid}${Date.now()}`;


beforeAll(async () => {
  await sql('delete from public.conf_scratch where label like $1', [`${tag}%`]);
});
afterAll(async () => {
  await sql('delete from public.conf_scratch where label like $1', [`${tag}%`]);
  await sql('delete from public.conf_unique where email like $1', [`${tag}%`]);
});

describe('insert', () => {
  it('inserts an object and returns the representation with embeds', async () => {
    const { data, error, status } = await db
      .from('conf_scratch')
      .insert({ label: `${tag}-one`, author_id: 2 })
      .select('label, qty, author:conf_authors(name)')
      .single();
    expect(error).toBeNull();
    expect(status).toBe(201);
    expect(data).toEqual({ label: `${tag}-one`, qty: 0, author: { name: 'Stanislaw' } });
  });

  it('inserts an array with ?columns= and answers 201 with no body by default', async () => {
    const { data, error, status } = await db.from('conf_scratch').insert([{ label: `${tag}-a`, qty: 1 }, { label: `${tag}-b`, qty: 3 }]);
    expect(error).toBeNull();
    expect(status).toBe(201);
    expect(data).toBeNull();
    const rows = await sql('select label, qty from public.conf_scratch where label in ($1, $2) order by label', [`${tag}-a`, `${tag}-b`]);
    expect(rows).toEqual([{ label: `${tag}-a`, qty: 1 }, { label: `${tag}-b`, qty: 3 }]);
  });

  it('uses column defaults for missing keys with defaultToNull: false', async () => {
    const { data, error } = await db
      .from('conf_scratch')
      .insert([{ label: `${tag}-c`, qty: 7 }, { label: `${tag}-d` }], { defaultToNull: false })
      .select('label, qty');
    expect(error).toBeNull();
    expect(data).toEqual([{ label: `${tag}-c`, qty: 7 }, { label: `${tag}-d`, qty: 0 }]);
  });

  it('sends NULL for missing keys by default (not-null column → 400 23502)', async () => {
    const { error, status } = await db.from('conf_scratch').insert([{ label: `${tag}-e`, qty: 1 }, { label: `${tag}-f` }]);
    expect(status).toBe(400);
    expect(error?.code).toBe('23502');
  });

  it('answers 400 PGRST204 for an unknown key', async () => {
    const { error, status } = await db.from('conf_scratch').insert({ label: `${tag}-x`, nope: 1 });
    expect(status).toBe(400);
    expect(error).toMatchObject({ code: 'PGRST204', message: "Could not find the 'nope' column of 'conf_scratch' in the schema cache" });
  });

  it('answers 400 PGRST102 for malformed JSON', async () => {
    const response = await rest('/conf_scratch', { method: 'POST', body: '{"label": ' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'PGRST102', message: 'Empty or invalid json' });
    const mismatched = await rest('/conf_scratch', { method: 'POST', body: JSON.stringify([{ label: 'a' }, { qty: 1 }]) });
    expect(mismatched.status).toBe(400);
    expect((await mismatched.json()).message).toBe('All object keys must match');
  });

  it('answers 409 23505 on a unique violation', async () => {
    const first = await db.from('conf_unique').insert({ email: `${tag}@dup` });
    expect(first.error).toBeNull();
    const { error, status } = await db.from('conf_unique').insert({ email: `${tag}@dup` });
    expect(status).toBe(409);
    expect(error).toMatchObject({ code: '23505', message: 'duplicate key value violates unique constraint "conf_unique_email_key"' });
  });

  it('answers 409 23503 on a foreign key violation', async () => {
    const { error, status } = await db.from('conf_scratch').insert({ label: `${tag}-fk`, author_id: 999 });
    expect(status).toBe(409);
    expect(error?.code).toBe('23503');
  });

  // Honoured only when pgrst.db_tx_end allows overriding (rest-config.test.ts), as PostgREST.
  it('ignores Prefer: tx=rollback under the default db-tx-end (commit)', async () => {
    const response = await rest('/conf_scratch', {
      method: 'POST',
      headers: { prefer: 'return=representation, tx=rollback' },
      body: JSON.stringify({ label: `${tag}-rolled` }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('preference-applied')).toBe('return=representation');
    expect(await sql('select 1 as kept from public.conf_scratch where label = $1', [`${tag}-rolled`])).toEqual([{ kept: 1 }]);
    await sql('delete from public.conf_scratch where label = $1', [`${tag}-rolled`]);
  });

  it('answers 406 PGRST116 to a singular insert of two rows, and keeps nothing', async () => {
    const { error, status } = await db
      .from('conf_scratch')
      .insert([{ label: `${tag}-s1` }, { label: `${tag}-s2` }])
      .select()
      .single();
    expect(status).toBe(406);
    expect(error?.code).toBe('PGRST116');
    expect(await sql('select 1 from public.conf_scratch where label like $1', [`${tag}-s%`])).toEqual([]);
  });
});

describe('upsert', () => {
  it('merges duplicates on the conflict column: 201 when inserting, 200 when only updating', async () => {
    const email = `${tag}@up`;
    const created = await db.from('conf_unique').upsert({ email, note: 'one' }, { onConflict: 'email' }).select('email, note');
    expect(created.status).toBe(201);
    expect(created.data).toEqual([{ email, note: 'one' }]);
    const updated = await db.from('conf_unique').upsert({ email, note: 'two' }, { onConflict: 'email' }).select('email, note');
    expect(updated.error).toBeNull();
    expect(updated.status).toBe(200);
    expect(updated.data).toEqual([{ email, note: 'two' }]);
  });

  it('ignores duplicates when asked', async () => {
    const email = `${tag}@ignore`;
    await db.from('conf_unique').insert({ email, note: 'kept' });
    const { data, error } = await db
      .from('conf_unique')
      .upsert({ email, note: 'ignored' }, { onConflict: 'email', ignoreDuplicates: true })
      .select('note');
    expect(error).toBeNull();
    expect(data).toEqual([]);
    expect(await sql('select note from public.conf_unique where email = $1', [email])).toEqual([{ note: 'kept' }]);
  });

  it('upserts on the primary key by default', async () => {
    const [inserted] = await sql<{ id: number }>('insert into public.conf_scratch (label) values ($1) returning id', [`${tag}-pk`]);
    const id = inserted!.id;
    const { data, error } = await db.from('conf_scratch').upsert({ id, label: `${tag}-pk2` }).select('id, label');
    expect(error).toBeNull();
    expect(data).toEqual([{ id, label: `${tag}-pk2` }]);
  });
});

describe('update and delete', () => {
  it('updates the filtered rows and returns them', async () => {
    await db.from('conf_scratch').insert([{ label: `${tag}-u1` }, { label: `${tag}-u2` }]);
    const { data, error, status } = await db
      .from('conf_scratch')
      .update({ qty: 42 })
      .like('label', `${tag}-u%`)
      .select('label, qty');
    expect(error).toBeNull();
    expect(status).toBe(200);
    expect(data?.sort((a, b) => a.label.localeCompare(b.label))).toEqual([
      { label: `${tag}-u1`, qty: 42 },
      { label: `${tag}-u2`, qty: 42 },
    ]);
  });

  it('answers 204 without representation', async () => {
    const { status, data } = await db.from('conf_scratch').update({ qty: 1 }).eq('label', `${tag}-u1`);
    expect(status).toBe(204);
    expect(data).toBeNull();
  });

  it('deletes the filtered rows and returns them with a count', async () => {
    await db.from('conf_scratch').insert({ label: `${tag}-d1` });
    const { data, count, error } = await db
      .from('conf_scratch')
      .delete({ count: 'exact' })
      .eq('label', `${tag}-d1`)
      .select('label');
    expect(error).toBeNull();
    expect(data).toEqual([{ label: `${tag}-d1` }]);
    expect(count).toBe(1);
    expect(await sql('select 1 from public.conf_scratch where label = $1', [`${tag}-d1`])).toEqual([]);
  });

  it('refuses PATCH and DELETE without a filter, changing nothing', async () => {
    const guard = `${tag}-guard`;
    await sql('insert into public.conf_scratch (label, qty) values ($1, 5)', [guard]);
    const update = await db.from('conf_scratch').update({ qty: 0 });
    expect(update.status).toBe(400);
    expect(update.error).toMatchObject({ code: '21000', message: 'UPDATE requires a WHERE clause' });
    const del = await db.from('conf_scratch').delete();
    expect(del.status).toBe(400);
    expect(del.error).toMatchObject({ code: '21000', message: 'DELETE requires a WHERE clause' });
    expect(await sql('select qty from public.conf_scratch where label = $1', [guard])).toEqual([{ qty: 5 }]);
  });

  it('refuses a filter only on an embed as no filter at all', async () => {
    const response = await rest('/conf_scratch?select=id,conf_authors(id)&conf_authors.id=eq.1', { method: 'DELETE' });
    expect(response.status).toBe(400);
    expect((await response.json()).code).toBe('21000');
  });

  it('answers 400 PGRST204 for an unknown key in a PATCH', async () => {
    const { error } = await db.from('conf_scratch').update({ nope: 1 }).eq('id', 1);
    expect(error?.code).toBe('PGRST204');
  });

  it('enforces handling=strict with max-affected', async () => {
    await db.from('conf_scratch').insert([{ label: `${tag}-m1` }, { label: `${tag}-m2` }]);
    const response = await rest(`/conf_scratch?label=like.${tag}-m*`, {
      method: 'DELETE',
      headers: { prefer: 'handling=strict, max-affected=1' },
    });
    expect(response.status).toBe(400);
    expect((await response.json()).code).toBe('PGRST124');
    expect(await sql('select count(*)::int as n from public.conf_scratch where label like $1', [`${tag}-m%`])).toEqual([{ n: 2 }]);
  });
});
