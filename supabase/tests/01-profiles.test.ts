/**
 * Profiles, accounts and roles (docs/design.md §4, issue item 2): sign-up makes the profile, the personal
 * account and its owner membership; nobody raises their own role; admins change roles with
 * set_user_role; the console may edit profiles.role directly.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  anonClient,
  checkInvariantsAfterAll,
  createCast,
  createPerson,
  defined,
  enrolTotp,
  expectError,
  ok,
  type Person,
  sql,
  sqlRow,
  uniqueEmail,
} from './support.ts';

checkInvariantsAfterAll();

let customer: Person;
let engineer: Person;
let admin: Person;

beforeAll(async () => {
  ({ customer, engineer, admin } = await createCast());
});

describe('sign-up', () => {
  it('makes a profile (email, full_name from metadata), a personal account at 0 and its owner membership', async () => {
    const client = anonClient();
    const email = uniqueEmail('signup');
    const signUp = await client.auth.signUp({
      email,
      password: 'correct-horse-battery',
      options: { data: { full_name: 'Dana Signup' } },
    });
    expect(signUp.error, 'sign-up succeeds').toBeNull();
    const userId = signUp.data.user!.id;

    const profile = ok(await client.from('profiles').select('id, email, full_name, role').single(), 'own profile');
    expect(profile, 'profile from the sign-up').toEqual({ id: userId, email, full_name: 'Dana Signup', role: 'customer' });

    const members = ok(await client.from('account_members').select('account_id, user_id, role'), 'own memberships');
    expect(members, 'exactly one membership, as owner').toHaveLength(1);
    expect(members[0], 'owner of the personal account').toMatchObject({ user_id: userId, role: 'owner' });

    const accounts = ok(await client.from('accounts').select('id, balance'), 'own accounts');
    expect(accounts, 'the personal account, empty').toEqual([{ id: defined(members[0], 'membership').account_id, balance: 0 }]);
  });

  it('keeps profiles.email in step when the email changes in auth.users', async () => {
    const person = await createPerson('customer');
    const newEmail = uniqueEmail('changed');
    // As Auth writes it (the admin API's PUT /admin/users/:id ends in this UPDATE).
    await sql('update auth.users set email = $2 where id = $1', [person.userId, newEmail]);
    const row = await sqlRow<{ email: string }>('select email from public.profiles where id = $1', [person.userId]);
    expect(row.email, 'profile email follows auth.users').toBe(newEmail);
  });
});

describe('who reads profiles', () => {
  it('a customer sees only their own profile', async () => {
    const rows = ok(await customer.client.from('profiles').select('id'), 'customer reads profiles');
    expect(rows, 'only self').toEqual([{ id: customer.userId }]);
  });

  it('staff see everyone (the queue shows who asked)', async () => {
    for (const staff of [engineer, admin]) {
      const rows = ok(
        await staff.client.from('profiles').select('id').in('id', [customer.userId, engineer.userId, admin.userId]),
        `${staff.role} reads profiles`,
      );
      expect(rows.map((row) => row.id).sort(), `${staff.role} sees all three`).toEqual(
        [customer.userId, engineer.userId, admin.userId].sort(),
      );
    }
  });

  it('anon reads no profile', async () => {
    const result = await anonClient().from('profiles').select('id');
    expectError(result, '42501', undefined, 'anon select on profiles');
  });
});

describe('roles', () => {
  it('a customer edits their full_name and updated_at moves', async () => {
    const before = await sqlRow<{ updated_at: Date }>('select updated_at from public.profiles where id = $1', [customer.userId]);
    const rows = ok(
      await customer.client.from('profiles').update({ full_name: 'Casey Renamed' }).eq('id', customer.userId).select('full_name'),
      'update own full_name',
    );
    expect(rows, 'one row updated').toEqual([{ full_name: 'Casey Renamed' }]);
    const after = await sqlRow<{ updated_at: Date }>('select updated_at from public.profiles where id = $1', [customer.userId]);
    expect(after.updated_at.getTime(), 'updated_at kept by trigger').toBeGreaterThan(before.updated_at.getTime());
  });

  it('nobody raises their own role through the API', async () => {
    for (const person of [customer, engineer]) {
      const result = await person.client.from('profiles').update({ role: 'admin' }).eq('id', person.userId);
      expectError(result, '42501', undefined, `${person.role} writes own role`);
      const row = await sqlRow<{ role: string }>('select role from public.profiles where id = $1', [person.userId]);
      expect(row.role, `${person.role}'s role unchanged`).toBe(person.role);
    }
  });

  it("a customer cannot edit someone else's name", async () => {
    const rows = ok(
      await customer.client.from('profiles').update({ full_name: 'Hijacked' }).eq('id', engineer.userId).select('id'),
      "update another's profile",
    );
    expect(rows, 'no row visible to update').toEqual([]);
    const row = await sqlRow<{ full_name: string }>('select full_name from public.profiles where id = $1', [engineer.userId]);
    expect(row.full_name, 'name unchanged').not.toBe('Hijacked');
  });

  it('set_user_role: only admins, never on themselves, and unknown people are not found', async () => {
    const target = await createPerson('customer');
    for (const caller of [customer, engineer]) {
      const result = await caller.client.rpc('set_user_role', { p_user_id: target.userId, p_role: 'engineer' });
      expectError(result, '42501', 'forbidden', `${caller.role} calls set_user_role`);
    }
    expectError(
      await anonClient().rpc('set_user_role', { p_user_id: target.userId, p_role: 'engineer' }),
      '42501',
      undefined,
      'anon calls set_user_role',
    );
    let row = await sqlRow<{ role: string }>('select role from public.profiles where id = $1', [target.userId]);
    expect(row.role, 'refused calls changed nothing').toBe('customer');

    const promoted = ok(
      await admin.client.rpc('set_user_role', { p_user_id: target.userId, p_role: 'engineer' }).single<{ id: string; role: string }>(),
      'admin promotes',
    );
    expect(promoted, 'returns the updated profile').toMatchObject({ id: target.userId, role: 'engineer' });
    row = await sqlRow<{ role: string }>('select role from public.profiles where id = $1', [target.userId]);
    expect(row.role, 'role stored').toBe('engineer');

    expectError(
      await admin.client.rpc('set_user_role', { p_user_id: admin.userId, p_role: 'customer' }),
      'PT409',
      'invalid_state',
      'admin demotes themselves',
    );
    expectError(
      await admin.client.rpc('set_user_role', { p_user_id: '00000000-0000-4000-8000-00000000dead', p_role: 'engineer' }),
      'PT404',
      'not_found',
      'unknown person',
    );
    expectError(
      await admin.client.rpc('set_user_role', { p_user_id: target.userId, p_role: null }),
      '22023',
      'invalid_input',
      'null role',
    );
  });

  it('a promoted engineer gains staff reads once they add a second factor, in the same session; a demoted one loses them', async () => {
    const person = await createPerson('customer');
    let rows = ok(await person.client.from('profiles').select('id').eq('id', customer.userId), 'customer reads another');
    expect(rows, 'not visible as a customer').toEqual([]);
    ok(await admin.client.rpc('set_user_role', { p_user_id: person.userId, p_role: 'engineer' }), 'promote');
    rows = ok(await person.client.from('profiles').select('id').eq('id', customer.userId), 'engineer at aal1 reads another');
    expect(rows, 'staff rights wait for the second factor').toEqual([]);
    await enrolTotp(person.client);
    rows = ok(await person.client.from('profiles').select('id').eq('id', customer.userId), 'engineer reads another');
    expect(rows, 'visible as staff, same session').toEqual([{ id: customer.userId }]);
    ok(await admin.client.rpc('set_user_role', { p_user_id: person.userId, p_role: 'customer' }), 'demote');
    rows = ok(await person.client.from('profiles').select('id').eq('id', customer.userId), 'demoted reads another');
    expect(rows, 'hidden again').toEqual([]);
  });

  it('the console (postgres) edits roles directly, and the role must be a real one', async () => {
    const person = await createPerson('customer');
    await sql("update public.profiles set role = 'admin' where id = $1", [person.userId]);
    const row = await sqlRow<{ role: string }>('select role from public.profiles where id = $1', [person.userId]);
    expect(row.role, 'console sets the role').toBe('admin');
    await expect(
      sql("update public.profiles set role = 'superuser' where id = $1", [person.userId]),
      'an unknown role is refused',
    ).rejects.toMatchObject({ code: '22P02' });
  });
});
