/**
 * GoTrue's security notices for multi-factor authentication and identities, through supabase-js:
 * `mfa_factor_enrolled` when a factor's first verification makes it usable, `mfa_factor_unenrolled` when
 * its owner removes it (not when an admin deletes it), and `identity_unlinked` to the address the account
 * had before the unlinking. Each is off unless `[auth.email.notification.<kind>] enabled`, and a notice
 * that cannot be sent is logged while the change it reports stands, as in GoTrue. Mail is read back from
 * the catcher; with a Send Email hook, from what the hook received.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../auth/totp.ts';
import type { TomlTable } from '../core/project-config.ts';
import type { RunningStack } from '../stack.ts';
import { startThrowawayStack } from '../tooling/throwaway-stack.ts';
import { stack as project, uniqueEmail } from './helpers.ts';
import { latestMail, searchTo, type MailpitMessage } from './mailpit.ts';

const PASSWORD = 'correct-horse-battery';

interface TestStack {
  running: RunningStack;
  client(): SupabaseClient;
  admin(): SupabaseClient;
  sql<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<T[]>;
  stop(): Promise<void>;
}

async function ownStack(label: string, configOverlay: TomlTable): Promise<TestStack> {
  const running = await startThrowawayStack({ label, supabaseDir: project.supabaseDir, configOverlay });
  const db = new pg.Pool({ connectionString: running.dbUrl, max: 2 });
  return {
    running,
    // A session kept in memory, as a browser tab keeps it, so mfa.verify can replace it with the aal2 one.
    client() {
      const store = new Map<string, string>();
      return createClient(running.apiUrl, running.keys.anonKey, {
        auth: {
          persistSession: true,
          autoRefreshToken: false,
          detectSessionInUrl: false,
          storage: {
            getItem: (key) => store.get(key) ?? null,
            setItem: (key, value) => void store.set(key, value),
            removeItem: (key) => void store.delete(key),
          },
        },
      });
    },
    admin: () =>
      createClient(running.apiUrl, running.keys.serviceRoleKey, { auth: { persistSession: false, autoRefreshToken: false } }),
    sql: async (text, values = []) => (await db.query(text, values)).rows,
    async stop() {
      await db.end();
      await running.stop();
    },
  };
}

/** A confirmed user (made with the admin API, which mails nothing), signed in at aal1. */
async function signedInUser(stack: TestStack, prefix: string) {
  const email = uniqueEmail(prefix);
  const created = await stack
    .admin()
    .auth.admin.createUser({ email, password: PASSWORD, email_confirm: true, user_metadata: { name: 'Ada' } });
  if (created.error || !created.data.user) throw new Error(`createUser failed: ${created.error?.message}`);
  const client = stack.client();
  const { error } = await client.auth.signInWithPassword({ email, password: PASSWORD });
  if (error) throw error;
  return { client, email, userId: created.data.user.id };
}

async function enrol(client: SupabaseClient) {
  const { data, error } = await client.auth.mfa.enroll({ factorType: 'totp' });
  if (error || !data) throw new Error(`enrol failed: ${error?.message}`);
  return data;
}

async function challengeAndVerify(client: SupabaseClient, factorId: string, secret: string) {
  const { error } = await client.auth.mfa.challengeAndVerify({ factorId, code: totpCode(secret) });
  expect(error).toBeNull();
}

/** Every message to `address`, newest first, once `count` have arrived. */
async function mailsTo(stack: TestStack, address: string, count: number): Promise<MailpitMessage[]> {
  await latestMail(stack.running.mailUrl!, address, { count });
  const summaries = await searchTo(stack.running.mailUrl!, address);
  return Promise.all(
    summaries.map(async ({ ID }) => (await (await fetch(`${stack.running.mailUrl}/api/v1/message/${ID}`)).json()) as MailpitMessage),
  );
}

/** A second identity, as an OAuth sign-in would have linked it (the local stack has no OAuth providers). */
async function addGithubIdentity(stack: TestStack, userId: string, email?: string) {
  await stack.sql(
    `insert into auth.identities (provider_id, user_id, identity_data, provider, created_at, updated_at)
     values ($2, $1, $3, 'github', now(), now())`,
    [userId, `gh-${userId}`, { sub: `gh-${userId}`, ...(email ? { email } : {}) }],
  );
  await stack.sql(
    `update auth.users set raw_app_meta_data = '{"provider": "email", "providers": ["email", "github"]}' where id = $1`,
    [userId],
  );
}

describe('MFA and identity notices through the catcher', () => {
  let stack: TestStack;
  let templateDir: string;

  beforeAll(async () => {
    templateDir = mkdtempSync(join(tmpdir(), 'pro-portal-auth-notices-'));
    const unenrolledPath = join(templateDir, 'unenrolled.html');
    writeFileSync(unenrolledPath, '<p>{{ .Data.name }}: your {{ .FactorType }} factor is gone from {{ .Email }} ({{ .SiteURL }})</p>');
    stack = await ownStack('auth-notices', {
      auth: {
        enable_manual_linking: true,
        email: {
          notification: {
            mfa_factor_enrolled: { enabled: true },
            mfa_factor_unenrolled: { enabled: true, subject: '{{ .FactorType }} removed', content_path: unenrolledPath },
            identity_unlinked: { enabled: true },
          },
        },
      },
    });
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(templateDir, { recursive: true, force: true });
  });

  it('mails mfa_factor_enrolled on a factor\'s first verification only, and mfa_factor_unenrolled on unenrol', async () => {
    const { client, email } = await signedInUser(stack, 'enrolled');
    const factor = await enrol(client);
    // Enrolling alone makes no usable factor, so no notice yet: the first mail is the verification's.
    await challengeAndVerify(client, factor.id, factor.totp.secret);
    const [enrolled] = await mailsTo(stack, email, 1);
    expect(enrolled!.Subject).toBe('A new verification method was added to your account');
    expect(enrolled!.To.map((to) => to.Address)).toEqual([email]);
    expect(enrolled!.HTML).toBe(`<h2>A new verification method was added</h2>

<p>Sign-in verification method totp was added to your account.</p>
<p>If you didn't make this change, contact support immediately.</p>
`);

    // A later sign-in that passes the factor is not news: the next mail is the unenrolment's.
    const again = stack.client();
    expect((await again.auth.signInWithPassword({ email, password: PASSWORD })).error).toBeNull();
    await challengeAndVerify(again, factor.id, factor.totp.secret);
    expect((await again.auth.mfa.unenroll({ factorId: factor.id })).error).toBeNull();

    const mails = await mailsTo(stack, email, 2);
    expect(mails.map((mail) => mail.Subject)).toEqual(['totp removed', 'A new verification method was added to your account']);
    // The catcher ends the body with the line break SMTP gives it.
    expect(mails[0]!.HTML.trimEnd()).toBe(`<p>Ada: your totp factor is gone from ${email} (http://localhost:5173)</p>`);
  });

  it('mails mfa_factor_unenrolled for an unverified factor too, but not when an admin deletes a factor', async () => {
    const { client, email, userId } = await signedInUser(stack, 'unenrolled');
    const deleted = await enrol(client);
    expect((await stack.admin().auth.admin.mfa.deleteFactor({ userId, id: deleted.id })).error).toBeNull();
    const dropped = await enrol(client);
    expect((await client.auth.mfa.unenroll({ factorId: dropped.id })).error).toBeNull();
    // The admin's delete sent nothing: the one mail is the user's own unenrolment.
    const [only] = await mailsTo(stack, email, 1);
    expect(only!.Subject).toBe('totp removed');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await searchTo(stack.running.mailUrl!, email)).toHaveLength(1);
  });

  it('mails identity_unlinked with the provider, to the address the account had before the unlinking', async () => {
    const { client, email, userId } = await signedInUser(stack, 'unlinked');
    await addGithubIdentity(stack, userId);
    const github = (await client.auth.getUserIdentities()).data!.identities.find((identity) => identity.provider === 'github')!;
    expect((await client.auth.unlinkIdentity(github)).error).toBeNull();
    const [notice] = await mailsTo(stack, email, 1);
    expect(notice!.Subject).toBe('A sign-in method was removed from your account');
    expect(notice!.HTML).toBe(`<h2>A sign-in method was removed</h2>

<p>Your github account was removed as a sign-in method for ${email}.</p>
<p>If you didn't make this change, contact support immediately.</p>
`);

    // Unlinking the e-mail identity moves the account to the GitHub identity's address; the notice
    // still goes to the address that was removed, which is the one its owner reads.
    const githubEmail = uniqueEmail('unlinked-gh');
    await addGithubIdentity(stack, userId, githubEmail);
    const emailIdentity = (await client.auth.getUserIdentities()).data!.identities.find((identity) => identity.provider === 'email')!;
    expect((await client.auth.unlinkIdentity(emailIdentity)).error).toBeNull();
    const [user] = await stack.sql<{ email: string }>(`select email from auth.users where id = $1`, [userId]);
    expect(user!.email).toBe(githubEmail);
    const [second] = await mailsTo(stack, email, 2);
    expect(second!.HTML).toContain(`Your email account was removed as a sign-in method for ${email}.`);
    expect(await searchTo(stack.running.mailUrl!, githubEmail)).toHaveLength(0);
  });
});

describe('MFA and identity notices with a Send Email hook', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await ownStack('auth-notices-hook', {
      auth: {
        enable_manual_linking: true,
        email: {
          // identity_unlinked is left off, as GoTrue's default has it.
          notification: { mfa_factor_enrolled: { enabled: true }, mfa_factor_unenrolled: { enabled: true } },
        },
        hook: { send_email: { enabled: true, uri: 'pg-functions://postgres/notice_hook/send_email' } },
      },
    });
    await stack.sql(`
      create schema notice_hook;
      create table notice_hook.calls (id bigserial primary key, event jsonb not null);
      create function notice_hook.send_email(event jsonb) returns jsonb language plpgsql as $$
      begin
        if event->'email_data'->>'email_action_type' = 'mfa_factor_unenrolled_notification' then
          return jsonb_build_object('error', jsonb_build_object('http_code', 500, 'message', 'mail provider down'));
        end if;
        insert into notice_hook.calls (event) values (event);
        return '{}'::jsonb;
      end $$;
      grant usage on schema notice_hook to supabase_auth_admin;
      grant insert, select on notice_hook.calls to supabase_auth_admin;
      grant usage on sequence notice_hook.calls_id_seq to supabase_auth_admin;
      grant execute on function notice_hook.send_email(jsonb) to supabase_auth_admin;
    `);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const calls = (email: string) =>
    stack.sql<{ event: { email_data: Record<string, string>; user: { email: string } } }>(
      `select event from notice_hook.calls where event->'user'->>'email' = $1 order by id`,
      [email],
    );

  it('hands the hook the notice with its factor_type, and an unenrolment whose notice fails still stands', async () => {
    const { client, email, userId } = await signedInUser(stack, 'hook-mfa');
    const factor = await enrol(client);
    await challengeAndVerify(client, factor.id, factor.totp.secret);
    const [call, ...others] = await calls(email);
    expect(others).toEqual([]);
    expect(call!.event.email_data).toMatchObject({
      email_action_type: 'mfa_factor_enrolled_notification',
      factor_type: 'totp',
      provider: '',
      token: '',
      token_hash: '',
    });

    // The hook refuses the unenrolment's notice; GoTrue logs that and the factor is gone all the same,
    // with the rest of the request's work (its audit entry, the session back at aal1).
    const { data, error } = await client.auth.mfa.unenroll({ factorId: factor.id });
    expect(error).toBeNull();
    expect(data).toMatchObject({ id: factor.id });
    expect(await stack.sql(`select 1 from auth.mfa_factors where id = $1`, [factor.id])).toHaveLength(0);
    expect(
      await stack.sql(
        `select 1 from auth.audit_log_entries where payload->>'action' = 'factor_unenrolled' and payload->'traits'->>'factor_id' = $1`,
        [factor.id],
      ),
    ).toHaveLength(1);
    expect(await stack.sql(`select aal from auth.sessions where user_id = $1`, [userId])).toEqual([{ aal: 'aal1' }]);
    expect(await calls(email)).toHaveLength(1);
  });

  it('sends no identity_unlinked notice while it is off', async () => {
    const { client, email, userId } = await signedInUser(stack, 'hook-unlink');
    await addGithubIdentity(stack, userId);
    const github = (await client.auth.getUserIdentities()).data!.identities.find((identity) => identity.provider === 'github')!;
    expect((await client.auth.unlinkIdentity(github)).error).toBeNull();
    // The hook runs in the request's transaction, so by the answer it would have been called.
    expect(await calls(email)).toEqual([]);
  });
});
