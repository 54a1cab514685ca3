/**
 * The admin users API's fields as GoTrue handles them: phone users and phone_confirm, the metadata
 * keys GoTrue adds, app_metadata over `provider(s)`, email_confirm on an address change, bans.
 */
import { describe, expect, it } from 'vitest';
import { anonClient, serviceClient, sql, uniqueEmail } from './helpers.ts';

const PASSWORD = 'correct-horse-battery';
const admin = () => serviceClient().auth.admin;

/** A phone number no other test run uses. */
function uniquePhone(): string {
  return `1555${String(Date.now()).slice(-6)}${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}`.slice(0, 15);
}

describe('admin createUser', () => {
  it('makes phone users with a phone identity, confirmed on request', async () => {
    const phone = uniquePhone();
    const created = await admin().createUser({ phone: `+${phone}`, phone_confirm: true, user_metadata: { nickname: 'Ph' } });
    expect(created.error).toBeNull();
    const user = created.data.user!;
    expect(user).toMatchObject({ email: '', phone, app_metadata: { provider: 'phone', providers: ['phone'] } });
    expect(user.phone_confirmed_at).toBeTruthy();
    expect(user.user_metadata).toEqual({ nickname: 'Ph', sub: user.id, phone, email_verified: false, phone_verified: false });
    expect(user.identities).toEqual([
      expect.objectContaining({ provider: 'phone', id: user.id, identity_data: expect.objectContaining({ sub: user.id, phone }) }),
    ]);

    const again = await admin().createUser({ phone });
    expect(again.error).toMatchObject({ status: 422, code: 'phone_exists', message: 'Phone number already registered by another user' });
    const malformed = await admin().createUser({ phone: '555-0100' });
    expect(malformed.error).toMatchObject({ status: 400, code: 'validation_failed', message: 'Invalid phone number format (E.164 required)' });
    const neither = await admin().createUser({ password: PASSWORD });
    expect(neither.error).toMatchObject({ status: 400, message: 'Cannot create a user without either an email or phone' });
    const nilId = await admin().createUser({ email: uniqueEmail('nil'), id: '00000000-0000-0000-0000-000000000000' });
    expect(nilId.error).toMatchObject({ status: 400, message: 'ID cannot be a nil uuid' });
  });

  it('makes users with both an address and a number, both identities, and GoTrue\'s metadata keys', async () => {
    const email = uniqueEmail('both');
    const phone = uniquePhone();
    const { data, error } = await admin().createUser({
      email, phone, password: PASSWORD, email_confirm: true, app_metadata: { tier: 'gold', provider: 'custom' }, user_metadata: { a: 1 },
    });
    expect(error).toBeNull();
    const user = data.user!;
    // app_metadata merges over what GoTrue sets, so a caller's `provider` wins.
    expect(user.app_metadata).toEqual({ provider: 'custom', providers: ['email', 'phone'], tier: 'gold' });
    expect(user.user_metadata).toEqual({ a: 1, sub: user.id, email, phone, email_verified: true, phone_verified: false });
    expect(user.identities!.map((identity) => identity.provider)).toEqual(['email', 'phone']);
    expect(user.email_confirmed_at).toBeTruthy();
    expect(user.phone_confirmed_at).toBeUndefined();
    expect((await anonClient().auth.signInWithPassword({ email, password: PASSWORD })).error).toBeNull();
  });

  it('bans for ban_duration, refusing sign-in until it is lifted with "none"', async () => {
    const email = uniqueEmail('banned');
    const { data } = await admin().createUser({ email, password: PASSWORD, email_confirm: true, ban_duration: '1h' });
    expect(Date.parse(data.user!.banned_until!) - Date.now()).toBeGreaterThan(3500_000);
    const refused = await anonClient().auth.signInWithPassword({ email, password: PASSWORD });
    expect(refused.error).toMatchObject({ status: 400, code: 'user_banned' });
    const lifted = await admin().updateUserById(data.user!.id, { ban_duration: 'none' });
    expect(lifted.data.user!.banned_until).toBeUndefined();
    expect((await anonClient().auth.signInWithPassword({ email, password: PASSWORD })).error).toBeNull();
    const bad = await admin().updateUserById(data.user!.id, { ban_duration: 'forever' });
    expect(bad.error).toMatchObject({ status: 400, message: 'invalid format for ban duration: time: invalid duration "forever"' });
  });
});

describe('admin updateUserById', () => {
  it('adds a number with its identity, confirms it with phone_confirm, and records email_verified with the address', async () => {
    const email = uniqueEmail('upd');
    const { data } = await admin().createUser({ email, password: PASSWORD, email_confirm: true });
    const id = data.user!.id;
    const phone = uniquePhone();
    const withPhone = await admin().updateUserById(id, { phone, phone_confirm: true });
    expect(withPhone.error).toBeNull();
    expect(withPhone.data.user).toMatchObject({ phone, app_metadata: { provider: 'email', providers: ['email', 'phone'] } });
    expect(withPhone.data.user!.phone_confirmed_at).toBeTruthy();
    expect(await sql(`select identity_data->>'phone_verified' as verified from auth.identities where user_id = $1 and provider = 'phone'`, [id])).toEqual([
      { verified: 'true' },
    ]);

    // A new address without email_confirm: the identity says so.
    const newEmail = uniqueEmail('upd-new');
    const moved = await admin().updateUserById(id, { email: newEmail });
    expect(moved.data.user!.email).toBe(newEmail);
    expect(await sql(`select identity_data->>'email_verified' as verified from auth.identities where user_id = $1 and provider = 'email'`, [id])).toEqual([
      { verified: 'false' },
    ]);

    const other = await admin().createUser({ phone: uniquePhone() });
    const clash = await admin().updateUserById(other.data.user!.id, { phone });
    expect(clash.error).toMatchObject({ status: 422, code: 'phone_exists' });

    // Metadata: keys merge, null removes one.
    await admin().updateUserById(id, { user_metadata: { keep: 1, drop: 2 }, app_metadata: { plan: 'pro' } });
    const merged = await admin().updateUserById(id, { user_metadata: { drop: null } });
    expect(merged.data.user!.user_metadata).toMatchObject({ keep: 1, email: newEmail });
    expect(merged.data.user!.user_metadata).not.toHaveProperty('drop');
    expect(merged.data.user!.app_metadata).toMatchObject({ plan: 'pro', providers: ['email', 'phone'] });
  });
});
