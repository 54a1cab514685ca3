/** REST security: JWT verification, roles and RLS, hostile identifiers, schema cache reloads. */
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { anonClient, serviceClient, signedInClient, sql, stack } from './helpers.ts';
import { rest } from './rest-helpers.ts';


const sign = (claims: Record<string, unknown>, secret = stack.jwtSecret) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(secret));

const asBearer = (token: string) => rest('/conf_tags?select=id', { headers: { authorization: `Bearer ${token}` } });

describe('JWT', () => {
  it('refuses a token signed with another secret: 401 PGRST301', async () => {
    const response = await asBearer(await sign({ role: 'service_role' }, 'another-secret-that-is-at-least-32-characters'));
    expect(response.status).toBe(401);
    expect((await response.json()).code).toBe('PGRST301');
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token", error_description="/);
  });

  it('refuses an expired token: 401 PGRST303 "JWT expired"', async () => {
    const response = await asBearer(await sign({ role: 'authenticated', exp: Math.floor(Date.now() / 1000) - 120 }));
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: 'PGRST303', message: 'JWT expired' });
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token", error_description="JWT expired"');
  });

  it('refuses alg: none and malformed tokens', async () => {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ role: 'service_role' })}.`;
    const none = await asBearer(unsigned);
    expect(none.status).toBe(401);
    expect((await none.json()).code).toBe('PGRST301');
    const garbage = await asBearer('not-a-jwt');
    expect(garbage.status).toBe(401);
    expect((await garbage.json()).message).toBe('Expected 3 parts in JWT; got 1');
  });

  it('refuses a role that does not exist or is not granted to authenticator', async () => {
    const unknown = await asBearer(await sign({ role: 'conf_no_such_role' }));
    expect(unknown.status).toBe(401);
    const notGranted = await asBearer(await sign({ role: 'postgres' }));
    expect(notGranted.status).toBe(401);
  });

  it('treats a token without a role claim as anon', async () => {
    const response = await rest('/rpc/conf_whoami', { method: 'POST', body: '{}', headers: { authorization: `Bearer ${await sign({ sub: 'x' })}` } });
    expect(await response.json()).toMatchObject({ role: 'anon', claims: { sub: 'x', role: 'anon' } });
  });
});

describe('roles and RLS', () => {
  it('answers 401 to anon and 403 to authenticated for 42501', async () => {
    const anon = await anonClient().from('conf_private').select();
    expect(anon.status).toBe(401);
    expect(anon.error).toMatchObject({ code: '42501', message: 'permission denied for table conf_private' });
    const { client } = await signedInClient();
    const denied = await client.from('conf_tags').insert({ id: 99, label: 'nope' });
    expect(denied.status).toBe(403);
    expect(denied.error?.code).toBe('42501');
  });

  it('keeps each user to their own rows; RLS-hidden updates and deletes affect 0 rows', async () => {
    const alice = await signedInClient();
    const bob = await signedInClient();
    const created = await alice.client.from('conf_private').insert({ secret: 'alice-secret' }).select('id, owner_id, secret').single();
    expect(created.error).toBeNull();
    expect(created.data).toMatchObject({ owner_id: alice.userId, secret: 'alice-secret' });
    const id = created.data!.id;

    expect((await alice.client.from('conf_private').select('secret').eq('id', id)).data).toEqual([{ secret: 'alice-secret' }]);
    expect((await bob.client.from('conf_private').select('secret').eq('id', id)).data).toEqual([]);

    const update = await bob.client.from('conf_private').update({ secret: 'stolen' }).eq('id', id).select();
    expect(update.error).toBeNull();
    expect(update.data).toEqual([]);
    const del = await bob.client.from('conf_private').delete().eq('id', id).select();
    expect(del.data).toEqual([]);
    expect(await sql('select secret from public.conf_private where id = $1', [id])).toEqual([{ secret: 'alice-secret' }]);

    const forged = await bob.client.from('conf_private').insert({ secret: 'x', owner_id: alice.userId });
    expect(forged.status).toBe(403);
    expect(forged.error).toMatchObject({ code: '42501', message: 'new row violates row-level security policy for table "conf_private"' });

    const service = await serviceClient().from('conf_private').select('secret').eq('id', id);
    expect(service.data).toEqual([{ secret: 'alice-secret' }]);
  });
});

describe('hostile input', () => {
  const hostile = [
    '/conf_tags?select=id;drop table public.conf_tags',
    '/conf_tags?select=id,label)from pg_roles--',
    '/conf_tags?select="a""b"',
    '/conf_tags?order=id;drop table public.conf_tags',
    '/conf_tags?order=id.desc;select 1',
    '/conf_tags?1=1)--=eq.1',
    '/conf_tags?id;drop table public.conf_tags=eq.1',
    '/conf_tags?"label""x"=eq.1',
    '/conf_tags?or=(id.eq.1)or 1=1--)',
    '/conf_tags?select=label::text;drop table public.conf_tags',
    '/conf_tags?select=label->>\'x\'',
  ];
  for (const path of hostile) {
    it(`refuses ${path} with 400`, async () => {
      const response = await rest(path.replace(/ /g, '%20'));
      expect(response.status).toBe(400);
      const body = await response.json();
      expect(Object.keys(body)).toEqual(['code', 'message', 'details', 'hint']);
    });
  }

  it('refuses hostile columns= and on_conflict= lists', async () => {
    for (const query of ['columns=label);drop table public.conf_tags;--', 'on_conflict=id);drop table public.conf_tags;--']) {
      const response = await rest(`/conf_scratch?${query}`, {
        method: 'POST',
        body: JSON.stringify({ label: 'hostile' }),
        headers: { prefer: 'resolution=merge-duplicates' },
      });
      expect(response.status, query).toBe(400);
      expect((await response.json()).code, query).toBe('PGRST100');
    }
    expect(await sql("select count(*)::int as n from public.conf_scratch where label = 'hostile'")).toEqual([{ n: 0 }]);
  });

  it('binds values as parameters: SQL in a value matches nothing and harms nothing', async () => {
    const response = await rest(`/conf_tags?label=eq.${encodeURIComponent("x' or '1'='1")}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([]);
    const inList = await rest(`/conf_tags?label=in.(${encodeURIComponent('"a);drop table public.conf_tags;--"')})`);
    expect(await inList.json()).toEqual([]);
    expect(await sql('select count(*)::int as n from public.conf_tags')).toEqual([{ n: 3 }]);
  });
});

describe('schema cache', () => {
  it('sees a table created by DDL within 5 seconds', async () => {
    const name = `conf_ddl_${process.pid}_${Date.now()}`;
    const first = await rest(`/${name}`);
    expect(first.status).toBe(404);
    expect((await first.json()).code).toBe('PGRST205');
    await sql(`create table public.${name} (id int primary key); grant select on public.${name} to anon; insert into public.${name} values (7)`);
    const started = Date.now();
    let status = 0;
    let body: unknown;
    while (Date.now() - started < 5000) {
      const response = await rest(`/${name}`);
      status = response.status;
      body = await response.json();
      if (status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(200);
    expect(body).toEqual([{ id: 7 }]);
    await sql(`drop table public.${name}`);
  });

  it('sees a new function and a dropped table', async () => {
    const name = `conf_fn_${process.pid}_${Date.now()}`;
    await sql(`create function public.${name}() returns int language sql as 'select 5'; grant execute on function public.${name}() to anon`);
    const started = Date.now();
    let data: unknown = null;
    while (Date.now() - started < 5000) {
      ({ data } = await anonClient().rpc(name));
      if (data === 5) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(data).toBe(5);
    await sql(`drop function public.${name}()`);
  });
});
