/**
 * Auth's mail as GoTrue sends it, read back through the catcher's Mailpit API: every kind with its
 * subject and link, links that verify, e-mail changes that need both addresses, templates, the Send
 * Email hook (HTTP and Postgres) in SMTP's place, a custom SMTP server, and a sign-up for a taken address
 * that answers like a new one. Each stack here is the project's config with its own overlay; users that
 * only need to exist are made with the admin API, so Auth's rate limits stay as configured.
 */
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TomlTable } from '../core/project-config.ts';
import { startMailService, type MailService } from '../mail/index.ts';
import type { RunningStack } from '../stack.ts';
import { startThrowawayStack } from '../tooling/throwaway-stack.ts';
import { stack as project, uniqueEmail } from './helpers.ts';
import { firstLink, latestMail, searchTo } from './mailpit.ts';

const PASSWORD = 'correct-horse-battery';
const SITE = 'http://localhost:5173';
const noPersistence = { auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false } };
const quietLog = { info() {}, error() {} };
const sha224 = (text: string) => createHash('sha224').update(text).digest('hex');

interface TestStack {
  running: RunningStack;
  mailUrl: string;
  anon(): SupabaseClient;
  admin(): SupabaseClient;
  sql<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<T[]>;
  stop(): Promise<void>;
}

async function ownStack(label: string, configOverlay: TomlTable): Promise<TestStack> {
  const running = await startThrowawayStack({ label, supabaseDir: project.supabaseDir, configOverlay });
  const db = new pg.Pool({ connectionString: running.dbUrl, max: 2 });
  return {
    running,
    mailUrl: running.mailUrl!,
    anon: () => createClient(running.apiUrl, running.keys.anonKey, noPersistence),
    admin: () => createClient(running.apiUrl, running.keys.serviceRoleKey, noPersistence),
    sql: async (text, values = []) => (await db.query(text, values)).rows,
    async stop() {
      await db.end();
      await running.stop();
    },
  };
}

/** Follows a mailed link as a browser does, without following the redirect: the 303's fragment. */
async function openLink(link: string): Promise<{ location: string; fragment: URLSearchParams }> {
  const response = await fetch(link, { redirect: 'manual' });
  expect(response.status, link).toBe(303);
  const location = response.headers.get('location') ?? '';
  return { location, fragment: new URLSearchParams(location.split('#')[1] ?? '') };
}

async function confirmedUser(stack: TestStack, email = uniqueEmail('confirmed')) {
  const { data, error } = await stack.admin().auth.admin.createUser({ email, password: PASSWORD, email_confirm: true });
  if (error || !data.user) throw new Error(`createUser failed: ${error?.message}`);
  return { email, id: data.user.id };
}

async function signedIn(stack: TestStack, email: string, password = PASSWORD) {
  const client = stack.anon();
  const { error } = await client.auth.signInWithPassword({ email, password });
  if (error) throw new Error(`sign-in failed: ${error.message}`);
  return client;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Auth mail through the catcher', () => {
  let stack: TestStack;
  let templateDir: string;

  beforeAll(async () => {
    templateDir = mkdtempSync(join(tmpdir(), 'pro-portal-auth-templates-'));
    const invitePath = join(templateDir, 'invite.html');
    writeFileSync(
      invitePath,
      '<p>Hello {{ .Email }}{{ if .Data.team }} from team {{ .Data.team }}{{ end }}</p>' +
        '<p><a href="{{ .ConfirmationURL }}">Join</a></p>' +
        '<p>code={{ .Token }} hash={{ .TokenHash }} site={{ .SiteURL }} next={{ .RedirectTo }}</p>',
    );
    stack = await ownStack('auth-mail', {
      auth: {
        // Raised, not off: this file signs up and recovers a few dozen times from one address.
        rate_limit: { sign_in_sign_ups: 200, token_verifications: 200 },
        email: {
          enable_confirmations: true,
          double_confirm_changes: true,
          secure_password_change: true,
          max_frequency: '1s',
          template: { invite: { subject: 'Join {{ .Data.team }} on Pro Portal', content_path: invitePath } },
          notification: { password_changed: { enabled: true }, email_changed: { enabled: true } },
        },
      },
    });
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(templateDir, { recursive: true, force: true });
  });

  it('sign-up mails a confirmation link in GoTrue\'s format that signs the user in', async () => {
    const email = uniqueEmail('signup');
    const { data, error } = await stack.anon().auth.signUp({
      email,
      password: PASSWORD,
      options: { emailRedirectTo: `${SITE}/welcome`, data: { full_name: 'Ada' } },
    });
    expect(error).toBeNull();
    expect(data.session).toBeNull();
    expect(data.user?.identities).toHaveLength(1);

    const mail = await latestMail(stack.mailUrl, email);
    expect(mail.Subject).toBe('Confirm your email address');
    expect(mail.From).toEqual({ Name: 'Admin', Address: 'admin@email.com' });
    expect(mail.HTML).toContain('<h2>Confirm your email address</h2>');
    const [row] = await stack.sql<{ confirmation_token: string }>(`select confirmation_token from auth.users where email = $1`, [email]);
    const link = firstLink(mail);
    expect(link).toBe(`${stack.running.apiUrl}/auth/v1/verify?token=${row!.confirmation_token}&type=signup&redirect_to=${SITE}/welcome`);

    // Not confirmed yet: no password sign-in.
    const early = await stack.anon().auth.signInWithPassword({ email, password: PASSWORD });
    expect(early.error?.code).toBe('email_not_confirmed');

    const { location, fragment } = await openLink(link);
    expect(location.startsWith(`${SITE}/welcome#`)).toBe(true);
    expect(fragment.get('type')).toBe('signup');
    const access = fragment.get('access_token')!;
    const { data: me } = await stack.anon().auth.getUser(access);
    expect(me.user?.email).toBe(email);
    expect(me.user?.email_confirmed_at).toBeTruthy();
    await signedIn(stack, email);
    // The link is used up.
    expect((await openLink(link)).fragment.get('error_code')).toBe('otp_expired');
  });

  it('resend waits for max_frequency, then sends a new link that replaces the old', async () => {
    const email = uniqueEmail('resend');
    await stack.anon().auth.signUp({ email, password: PASSWORD });
    const first = firstLink(await latestMail(stack.mailUrl, email));
    const tooSoon = await stack.anon().auth.resend({ type: 'signup', email });
    expect(tooSoon.error?.status).toBe(429);
    expect(tooSoon.error?.code).toBe('over_email_send_rate_limit');
    expect(tooSoon.error?.message).toMatch(/^For security purposes, you can only request this after \d+ seconds\.$/);
    await sleep(1100);
    const again = await stack.anon().auth.resend({ type: 'signup', email });
    expect(again.error).toBeNull();
    const second = firstLink(await latestMail(stack.mailUrl, email, { count: 2 }));
    expect(second).not.toBe(first);
    expect((await openLink(first)).fragment.get('error_code')).toBe('otp_expired');
    expect((await openLink(second)).fragment.get('access_token')).toBeTruthy();
    // Nothing to resend for a confirmed address, and no answer that tells.
    expect((await stack.anon().auth.resend({ type: 'signup', email })).error).toBeNull();
  });

  it('recovery mails a reset link; the new password works and the password-changed notice follows', async () => {
    const { email } = await confirmedUser(stack);
    const { error } = await stack.anon().auth.resetPasswordForEmail(email, { redirectTo: `${SITE}/reset-password` });
    expect(error).toBeNull();
    const mail = await latestMail(stack.mailUrl, email);
    expect(mail.Subject).toBe('Reset your password');
    const link = firstLink(mail);
    expect(link).toContain('&type=recovery&redirect_to=http://localhost:5173/reset-password');
    const { fragment } = await openLink(link);
    expect(fragment.get('type')).toBe('recovery');
    const client = stack.anon();
    await client.auth.setSession({ access_token: fragment.get('access_token')!, refresh_token: fragment.get('refresh_token')! });
    // A fresh (recovery) session needs no reauthentication, even with secure_password_change.
    expect((await client.auth.updateUser({ password: 'a-brand-new-password' })).error).toBeNull();
    await signedIn(stack, email, 'a-brand-new-password');
    const notice = await latestMail(stack.mailUrl, email, { count: 2 });
    expect(notice.Subject).toBe('Your password was changed');
    expect(notice.HTML).toContain('The password for your account was recently changed.');
  });

  it('magic link and code: for an existing user, for a new one, and refused with create_user false', async () => {
    const { email } = await confirmedUser(stack);
    expect((await stack.anon().auth.signInWithOtp({ email, options: { shouldCreateUser: false } })).error).toBeNull();
    const mail = await latestMail(stack.mailUrl, email);
    expect(mail.Subject).toBe('Your sign-in link');
    expect(firstLink(mail)).toContain('&type=magiclink&');
    expect((await openLink(firstLink(mail))).fragment.get('type')).toBe('magiclink');
    // The code form (verifyOtp type 'email') takes the code the mail's {{ .Token }} would carry.
    await sleep(1100);
    const generated = await stack.admin().auth.admin.generateLink({ type: 'magiclink', email });
    const verified = await stack.anon().auth.verifyOtp({ email, token: generated.data.properties!.email_otp, type: 'email' });
    expect(verified.error).toBeNull();
    expect(verified.data.session?.user.email).toBe(email);

    const refused = await stack.anon().auth.signInWithOtp({ email: uniqueEmail('nobody'), options: { shouldCreateUser: false } });
    expect(refused.error?.status).toBe(422);
    expect(refused.error?.code).toBe('otp_disabled');
    expect(refused.error?.message).toBe('Signups not allowed for otp');

    // A new address: the confirmation mail is the sign-in link.
    const fresh = uniqueEmail('otp-new');
    expect((await stack.anon().auth.signInWithOtp({ email: fresh })).error).toBeNull();
    const welcome = await latestMail(stack.mailUrl, fresh);
    expect(welcome.Subject).toBe('Confirm your email address');
    expect((await openLink(firstLink(welcome))).fragment.get('access_token')).toBeTruthy();
  });

  it('invite uses the project\'s template with GoTrue\'s variables, and its link confirms', async () => {
    const email = uniqueEmail('invite');
    const { data, error } = await stack.admin().auth.admin.inviteUserByEmail(email, {
      data: { team: 'Blue & <Green>' },
      redirectTo: `${SITE}/set-password`,
    });
    expect(error).toBeNull();
    expect(data.user?.invited_at).toBeTruthy();
    const mail = await latestMail(stack.mailUrl, email);
    // GoTrue parses subjects with html/template too, so the subject carries the escaped text.
    expect(mail.Subject).toBe('Join Blue &amp; &lt;Green&gt; on Pro Portal');
    expect(mail.HTML).toContain(`Hello ${email} from team Blue &amp; &lt;Green&gt;`);
    const [row] = await stack.sql<{ confirmation_token: string }>(`select confirmation_token from auth.users where email = $1`, [email]);
    const code = /code=(\d{6}) /.exec(mail.HTML)![1]!;
    expect(sha224(email + code)).toBe(row!.confirmation_token);
    expect(mail.HTML).toContain(`hash=${row!.confirmation_token} site=${SITE} next=${SITE}/set-password`);
    const { fragment } = await openLink(firstLink(mail));
    expect(fragment.get('type')).toBe('invite');
    const [after] = await stack.sql<{ confirmed: boolean }>(`select email_confirmed_at is not null as confirmed from auth.users where email = $1`, [email]);
    expect(after!.confirmed).toBe(true);
    // Inviting a confirmed user is refused.
    const again = await stack.admin().auth.admin.inviteUserByEmail(email);
    expect(again.error?.status).toBe(422);
  });

  it('generate_link makes each kind of link without mailing it', async () => {
    const admin = stack.admin().auth.admin;
    const fresh = uniqueEmail('gl-signup');
    const signup = await admin.generateLink({ type: 'signup', email: fresh, password: PASSWORD });
    expect(signup.error).toBeNull();
    expect(signup.data.properties?.verification_type).toBe('signup');
    expect(sha224(fresh + signup.data.properties!.email_otp)).toBe(signup.data.properties!.hashed_token);
    expect((await openLink(signup.data.properties!.action_link)).fragment.get('type')).toBe('signup');

    const invited = uniqueEmail('gl-invite');
    const invite = await admin.generateLink({ type: 'invite', email: invited });
    expect((await openLink(invite.data.properties!.action_link)).fragment.get('type')).toBe('invite');

    const { email } = await confirmedUser(stack);
    const magic = await admin.generateLink({ type: 'magiclink', email });
    expect((await openLink(magic.data.properties!.action_link)).fragment.get('type')).toBe('magiclink');
    const recovery = await admin.generateLink({ type: 'recovery', email });
    expect((await openLink(recovery.data.properties!.action_link)).fragment.get('type')).toBe('recovery');

    const target = uniqueEmail('gl-new');
    const current = await admin.generateLink({ type: 'email_change_current', email, newEmail: target });
    const next = await admin.generateLink({ type: 'email_change_new', email, newEmail: target });
    expect(current.error).toBeNull();
    expect(next.error).toBeNull();
    expect((await openLink(current.data.properties!.action_link)).fragment.get('message')).toMatch(/^Confirmation link accepted/);
    expect((await openLink(next.data.properties!.action_link)).fragment.get('type')).toBe('email_change');
    const [row] = await stack.sql<{ email: string }>(`select email from auth.users where id = $1`, [current.data.user!.id]);
    expect(row!.email).toBe(target);

    const missing = await admin.generateLink({ type: 'recovery', email: uniqueEmail('gl-none') });
    expect(missing.error?.status).toBe(404);
    for (const address of [fresh, invited, email, target]) expect(await searchTo(stack.mailUrl, address)).toHaveLength(0);
  });

  it('an e-mail change needs the links from both addresses, then tells the old address', async () => {
    const { email, id } = await confirmedUser(stack);
    const client = await signedIn(stack, email);
    const target = uniqueEmail('changed');
    const { error } = await client.auth.updateUser({ email: target }, { emailRedirectTo: `${SITE}/settings` });
    expect(error).toBeNull();
    const toNew = await latestMail(stack.mailUrl, target);
    const toOld = await latestMail(stack.mailUrl, email);
    for (const mail of [toNew, toOld]) {
      expect(mail.Subject).toBe('Confirm your new email address');
      expect(mail.HTML).toContain(`Follow the link below to confirm ${target} as your new email address.`);
    }
    const [tokens] = await stack.sql<{ email_change_token_new: string; email_change_token_current: string }>(
      `select email_change_token_new, email_change_token_current from auth.users where id = $1`,
      [id],
    );
    expect(firstLink(toNew)).toContain(`token=${tokens!.email_change_token_new}&type=email_change&redirect_to=${SITE}/settings`);
    expect(firstLink(toOld)).toContain(`token=${tokens!.email_change_token_current}&`);

    const first = await openLink(firstLink(toNew));
    expect(first.location).toBe(
      `${SITE}/settings#message=Confirmation+link+accepted.+Please+proceed+to+confirm+link+sent+to+the+other+email&sb=`,
    );
    const [halfway] = await stack.sql<{ email: string; email_change_confirm_status: number }>(
      `select email, email_change_confirm_status from auth.users where id = $1`,
      [id],
    );
    expect(halfway).toEqual({ email, email_change_confirm_status: 1 });
    // The same link again does nothing more.
    expect((await openLink(firstLink(toNew))).fragment.get('error_code')).toBe('otp_expired');

    const second = await openLink(firstLink(toOld));
    expect(second.fragment.get('type')).toBe('email_change');
    const [done] = await stack.sql<{ email: string; email_change: string }>(`select email, email_change from auth.users where id = $1`, [id]);
    expect(done).toEqual({ email: target, email_change: '' });
    const notice = await latestMail(stack.mailUrl, email, { count: 2 });
    expect(notice.Subject).toBe('Your email address was changed');
    expect(notice.HTML).toContain(`changed from ${email} to ${target}`);
  });

  it('verifyOtp on the first of two e-mail change codes answers GoTrue\'s message', async () => {
    const { email, id } = await confirmedUser(stack);
    const target = uniqueEmail('changed-otp');
    const link = await stack.admin().auth.admin.generateLink({ type: 'email_change_new', email, newEmail: target });
    await stack.admin().auth.admin.generateLink({ type: 'email_change_current', email, newEmail: target });
    const response = await fetch(`${stack.running.apiUrl}/auth/v1/verify`, {
      method: 'POST',
      headers: { apikey: stack.running.keys.anonKey, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'email_change', token_hash: new URL(link.data.properties!.action_link).searchParams.get('token') }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      msg: 'Confirmation link accepted. Please proceed to confirm link sent to the other email',
      code: '200',
    });
    const [row] = await stack.sql<{ email: string }>(`select email from auth.users where id = $1`, [id]);
    expect(row!.email).toBe(email);
  });

  it('an old session changes the password only with the nonce that reauthenticate mails', async () => {
    const { email, id } = await confirmedUser(stack);
    const client = await signedIn(stack, email);
    await stack.sql(`update auth.sessions set created_at = now() - interval '2 days' where user_id = $1`, [id]);
    const without = await client.auth.updateUser({ password: 'another-new-password' });
    expect(without.error?.status).toBe(400);
    expect(without.error?.code).toBe('reauthentication_needed');

    expect((await client.auth.reauthenticate()).error).toBeNull();
    const mail = await latestMail(stack.mailUrl, email);
    const nonce = /^(\d{6}) is your verification code$/.exec(mail.Subject)?.[1];
    expect(nonce, mail.Subject).toBeTruthy();
    expect(mail.HTML).toContain(`<p>${nonce}</p>`);
    const wrong = await client.auth.updateUser({ password: 'another-new-password', nonce: nonce === '000000' ? '000001' : '000000' });
    expect(wrong.error?.code).toBe('reauthentication_not_valid');
    expect((await client.auth.updateUser({ password: 'another-new-password', nonce })).error).toBeNull();
    await signedIn(stack, email, 'another-new-password');
  });

  it('resend for an e-mail change sends fresh links to both addresses', async () => {
    const { email, id } = await confirmedUser(stack);
    const client = await signedIn(stack, email);
    const target = uniqueEmail('change-again');
    await client.auth.updateUser({ email: target });
    const firstNew = firstLink(await latestMail(stack.mailUrl, target));
    await sleep(1100);
    expect((await stack.anon().auth.resend({ type: 'email_change', email })).error).toBeNull();
    const secondNew = firstLink(await latestMail(stack.mailUrl, target, { count: 2 }));
    await latestMail(stack.mailUrl, email, { count: 2 });
    expect(secondNew).not.toBe(firstNew);
    expect((await openLink(firstNew)).fragment.get('error_code')).toBe('otp_expired');
    expect((await openLink(secondNew)).fragment.get('message')).toMatch(/^Confirmation link accepted/);
    const [row] = await stack.sql<{ email_change: string }>(`select email_change from auth.users where id = $1`, [id]);
    expect(row!.email_change).toBe(target);
  });

  it('answers bad input on the mail endpoints with a 4xx that says what is wrong, and changes nothing', async () => {
    const call = async (method: string, path: string, body?: unknown, key = stack.running.keys.anonKey) => {
      const response = await fetch(`${stack.running.apiUrl}/auth/v1${path}`, {
        method,
        headers: { apikey: key, authorization: `Bearer ${key}`, 'content-type': 'application/json', 'x-supabase-api-version': '2024-01-01' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as { code: string; message: string } };
    };
    const nobody = uniqueEmail('bad-input');
    expect(await call('POST', '/otp', { email: nobody, create_user: 'yes' })).toEqual({
      status: 400,
      body: { code: 'validation_failed', message: 'create_user must be a boolean' },
    });
    expect(await call('POST', '/otp', {})).toMatchObject({ status: 400, body: { message: 'One of email or phone must be set' } });
    expect(await call('POST', '/resend', { type: 'recovery', email: nobody })).toMatchObject({
      status: 400,
      body: { message: 'Missing one of these types: signup, email_change, sms, phone_change' },
    });
    expect(await call('POST', '/resend', { type: 'signup' })).toMatchObject({ status: 400, body: { message: 'Type provided requires an email address' } });
    // The anon key is no user's token.
    expect(await call('GET', '/reauthenticate')).toMatchObject({ status: 403, body: { code: 'bad_jwt' } });
    expect(await call('POST', '/invite', { email: nobody })).toMatchObject({ status: 403, body: { code: 'not_admin' } });
    const service = stack.running.keys.serviceRoleKey;
    expect(await call('POST', '/invite', { email: 'not-an-address' }, service)).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
    expect(await call('POST', '/admin/generate_link', { type: 'password', email: nobody }, service)).toMatchObject({
      status: 400,
      body: { message: 'Invalid email action link type requested: password' },
    });
    expect(await call('POST', '/admin/generate_link', { type: 'signup', email: nobody }, service)).toMatchObject({
      status: 400,
      body: { message: 'Signup requires a valid password' },
    });
    const { email } = await confirmedUser(stack);
    expect(await call('POST', '/admin/generate_link', { type: 'email_change_new', email }, service)).toMatchObject({
      status: 400,
      body: { message: 'An email address is required' },
    });
    expect(await stack.sql(`select 1 from auth.users where email = $1`, [nobody])).toHaveLength(0);
    expect(await searchTo(stack.mailUrl, nobody)).toHaveLength(0);
  });

  it('sign-up with a taken address answers like a new one: same shape, no mail, no real id, same time', async () => {
    const { email, id } = await confirmedUser(stack);
    const taken = await stack.anon().auth.signUp({ email, password: PASSWORD });
    const fresh = await stack.anon().auth.signUp({ email: uniqueEmail('fresh'), password: PASSWORD });
    expect(taken.error).toBeNull();
    expect(taken.data.session).toBeNull();
    expect(taken.data.user!.id).not.toBe(id);
    expect(taken.data.user!.email).toBe(email);
    expect(Object.keys(taken.data.user!).sort()).toEqual(Object.keys(fresh.data.user!).sort());
    // GoTrue's own tell, kept as it is: the obfuscated user has no identities and no role.
    expect(taken.data.user!.identities).toEqual([]);
    await sleep(300);
    expect(await searchTo(stack.mailUrl, email)).toHaveLength(0);

    // Both paths hash the password and neither waits for SMTP: the medians stay close.
    const time = async (address: string) => {
      const start = performance.now();
      const { error } = await stack.anon().auth.signUp({ email: address, password: PASSWORD });
      expect(error).toBeNull();
      return performance.now() - start;
    };
    const takenTimes: number[] = [];
    const freshTimes: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      takenTimes.push(await time(email));
      freshTimes.push(await time(uniqueEmail('timing')));
    }
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const [a, b] = [median(takenTimes), median(freshTimes)];
    expect(Math.abs(a - b), `taken ${a.toFixed(1)} ms, new ${b.toFixed(1)} ms`).toBeLessThan(Math.max(a, b) * 0.5);
  });
});

describe('a custom SMTP server', () => {
  let stack: TestStack;
  let provider: MailService;
  let providerDir: string;

  beforeAll(async () => {
    providerDir = mkdtempSync(join(tmpdir(), 'pro-portal-smtp-provider-'));
    provider = await startMailService({ dataDir: providerDir, port: 0, smtpPort: 0, log: quietLog });
    stack = await ownStack('auth-smtp', {
      auth: {
        email: {
          enable_confirmations: true,
          smtp: {
            enabled: true,
            host: '127.0.0.1',
            port: provider.smtpPort,
            user: 'apikey',
            pass: 'secret',
            admin_email: 'no-reply@pro-portal.test',
            sender_name: 'Pro Portal',
          },
          double_confirm_changes: false,
        },
      },
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await provider?.close();
    rmSync(providerDir, { recursive: true, force: true });
  });

  it('gets the mail, from [auth.email.smtp] sender, instead of the catcher', async () => {
    const email = uniqueEmail('smtp');
    expect((await stack.anon().auth.signUp({ email, password: PASSWORD })).error).toBeNull();
    const mail = await latestMail(provider.url, email);
    expect(mail.From).toEqual({ Name: 'Pro Portal', Address: 'no-reply@pro-portal.test' });
    expect(mail.Subject).toBe('Confirm your email address');
    expect(await searchTo(stack.mailUrl, email)).toHaveLength(0);
  });

  it('without double_confirm_changes, an e-mail change mails only the new address, whose link alone changes it', async () => {
    const { data } = await stack.admin().auth.admin.createUser({ email: uniqueEmail('single'), password: PASSWORD, email_confirm: true });
    const email = data.user!.email!;
    const client = await signedIn(stack, email);
    const target = uniqueEmail('single-new');
    expect((await client.auth.updateUser({ email: target })).error).toBeNull();
    const mail = await latestMail(provider.url, target);
    expect(mail.Subject).toBe('Confirm your new email address');
    const { fragment } = await openLink(firstLink(mail));
    expect(fragment.get('type')).toBe('email_change');
    const [row] = await stack.sql<{ email: string }>(`select email from auth.users where id = $1`, [data.user!.id]);
    expect(row!.email).toBe(target);
    expect(await searchTo(provider.url, email)).toHaveLength(0);
  });
});

/** A Standard Webhooks receiver: checks the signature, records the payload, answers what the test says. */
function webhookReceiver(secretBase64: string) {
  const received: Array<{ payload: Record<string, any>; signed: boolean }> = [];
  let answer: { status: number; body: string } = { status: 200, body: '{}' };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const id = String(req.headers['webhook-id']);
      const timestamp = String(req.headers['webhook-timestamp']);
      const expected = createHmac('sha256', Buffer.from(secretBase64, 'base64')).update(`${id}.${timestamp}.${body}`).digest('base64');
      const signatures = String(req.headers['webhook-signature']).split(', ');
      const fresh = Math.abs(Date.now() / 1000 - Number(timestamp)) < 300;
      const signed = fresh && signatures.includes(`v1,${expected}`);
      received.push({ payload: JSON.parse(body) as Record<string, any>, signed });
      if (!signed) {
        res.writeHead(401).end();
        return;
      }
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
    });
  });
  return {
    received,
    server,
    answerWith(status: number, body: unknown) {
      answer = { status, body: JSON.stringify(body) };
    },
  };
}

describe('the Send Email hook over HTTP', () => {
  const secret = Buffer.from('a-test-signing-secret-of-32-bytes!').toString('base64');
  const receiver = webhookReceiver(secret);
  let stack: TestStack;

  beforeAll(async () => {
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', () => resolve()));
    const port = (receiver.server.address() as AddressInfo).port;
    stack = await ownStack('auth-hook-http', {
      auth: {
        email: { enable_confirmations: true },
        hook: { send_email: { enabled: true, uri: `http://127.0.0.1:${port}/send-email`, secrets: `v1,whsec_${secret}` } },
      },
    });
  });
  afterAll(async () => {
    await stack?.stop();
    // Closed already by the last test, unless it failed before.
    if (receiver.server.listening) await new Promise<void>((resolve) => receiver.server.close(() => resolve()));
  });

  it('receives GoTrue\'s signed payload instead of SMTP sending anything', async () => {
    receiver.answerWith(200, {});
    const email = uniqueEmail('hook-http');
    const { error } = await stack.anon().auth.signUp({ email, password: PASSWORD, options: { emailRedirectTo: `${SITE}/welcome` } });
    expect(error).toBeNull();
    const call = receiver.received.at(-1)!;
    expect(call.signed).toBe(true);
    expect(call.payload.user.email).toBe(email);
    const data = call.payload.email_data;
    expect(Object.keys(data).sort()).toEqual(
      ['email_action_type', 'factor_type', 'old_email', 'old_phone', 'provider', 'redirect_to', 'site_url', 'token', 'token_hash', 'token_hash_new', 'token_new'].sort(),
    );
    expect(data).toMatchObject({ email_action_type: 'signup', redirect_to: `${SITE}/welcome`, site_url: `${stack.running.apiUrl}/auth/v1` });
    expect(data.token).toMatch(/^\d{6}$/);
    const [row] = await stack.sql<{ confirmation_token: string }>(`select confirmation_token from auth.users where email = $1`, [email]);
    expect(data.token_hash).toBe(row!.confirmation_token);
    expect(sha224(email + data.token)).toBe(data.token_hash);
    await sleep(300);
    expect(await searchTo(stack.mailUrl, email)).toHaveLength(0);
  });

  it('answers the hook\'s error as GoTrue does, and the sign-up is undone', async () => {
    receiver.answerWith(200, { error: { http_code: 429, message: 'The mail provider is over its quota' } });
    const email = uniqueEmail('hook-refused');
    const { error } = await stack.anon().auth.signUp({ email, password: PASSWORD });
    expect(error?.status).toBe(429);
    expect(error?.message).toBe('The mail provider is over its quota');
    expect(await stack.sql(`select 1 from auth.users where email = $1`, [email])).toHaveLength(0);

    receiver.answerWith(500, {});
    const broken = await stack.anon().auth.signUp({ email, password: PASSWORD });
    expect(broken.error?.status).toBe(500);
    expect(broken.error?.message).toBe('Unexpected status code returned from hook: 500');
    expect(await stack.sql(`select 1 from auth.users where email = $1`, [email])).toHaveLength(0);
  });

  it('answers 422 hook_timeout_after_retry when the hook cannot be reached', async () => {
    await new Promise<void>((resolve) => receiver.server.close(() => resolve()));
    const email = uniqueEmail('hook-gone');
    const { error } = await stack.anon().auth.signUp({ email, password: PASSWORD });
    expect(error?.status).toBe(422);
    expect(error?.code).toBe('hook_timeout_after_retry');
    expect(error?.message).toBe('Failed to reach hook after maximum retries');
    expect(await stack.sql(`select 1 from auth.users where email = $1`, [email])).toHaveLength(0);
  });
});

describe('the Send Email hook as a Postgres function', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await ownStack('auth-hook-pg', {
      auth: {
        email: { enable_confirmations: true, double_confirm_changes: true },
        hook: { send_email: { enabled: true, uri: 'pg-functions://postgres/hook_scratch/send_email' } },
      },
    });
    await stack.sql(`
      create schema hook_scratch;
      create table hook_scratch.calls (id bigserial primary key, event jsonb not null);
      create function hook_scratch.send_email(event jsonb) returns jsonb language plpgsql as $$
      begin
        if event->'user'->>'email' like 'blocked%' then
          return jsonb_build_object('error', jsonb_build_object('http_code', 400, 'message', 'This address is blocked'));
        end if;
        insert into hook_scratch.calls (event) values (event);
        return '{}'::jsonb;
      end $$;
      grant usage on schema hook_scratch to supabase_auth_admin;
      grant insert, select on hook_scratch.calls to supabase_auth_admin;
      grant usage on sequence hook_scratch.calls_id_seq to supabase_auth_admin;
      grant execute on function hook_scratch.send_email(jsonb) to supabase_auth_admin;
    `);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('is called in the request\'s transaction with the e-mail change codes for both addresses', async () => {
    const { email } = await confirmedUser(stack);
    const client = await signedIn(stack, email);
    const target = uniqueEmail('pg-changed');
    expect((await client.auth.updateUser({ email: target })).error).toBeNull();
    const [call] = await stack.sql<{ event: Record<string, any> }>(
      `select event from hook_scratch.calls where event->'email_data'->>'email_action_type' = 'email_change' and event->'user'->>'email' = $1`,
      [email],
    );
    const data = call!.event.email_data;
    const [row] = await stack.sql<{ email_change_token_new: string; email_change_token_current: string }>(
      `select email_change_token_new, email_change_token_current from auth.users where email = $1`,
      [email],
    );
    // GoTrue's field order for a double-confirmed change: token for the current address, token_new for the new.
    expect(sha224(email + data.token)).toBe(row!.email_change_token_current);
    expect(sha224(target + data.token_new)).toBe(row!.email_change_token_new);
    expect(data.token_hash).toBe(row!.email_change_token_new);
    expect(data.token_hash_new).toBe(row!.email_change_token_current);
    await sleep(300);
    expect(await searchTo(stack.mailUrl, target)).toHaveLength(0);
  });

  it('refuses with the function\'s error and leaves nothing behind', async () => {
    const email = `blocked-${uniqueEmail('pg')}`;
    const { error } = await stack.anon().auth.signUp({ email, password: PASSWORD });
    expect(error?.status).toBe(400);
    expect(error?.message).toBe('This address is blocked');
    expect(await stack.sql(`select 1 from auth.users where email = $1`, [email])).toHaveLength(0);
  });
});
