/** config.toml as the stack reads it: the CLI's rate-limit defaults and units, overlays, finding the project. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_RATE_LIMITS, configSizeBytes, durationSeconds, findProjectDir, LOCAL_MAIL_EMAILS_PER_HOUR, readProjectConfig } from './project-config.ts';

const CONFIG = join(import.meta.dirname, '..', 'tests', 'fixtures', 'project-config.toml');

describe('readProjectConfig', () => {
  it("reads the CLI template's limits in the CLI's units", () => {
    const { auth } = readProjectConfig(CONFIG);
    expect(auth.rateLimit).toEqual(CLI_RATE_LIMITS);
    expect(auth.emailMaxFrequencySeconds).toBe(1);
    // No custom SMTP: mail goes nowhere but the log, and the CLI lifts email_sent for that.
    expect(auth.emailSentPerHour).toBe(LOCAL_MAIL_EMAILS_PER_HOUR);
  });

  it('merges an overlay table by table; email_sent applies with custom SMTP', () => {
    const { auth, api } = readProjectConfig(CONFIG, {
      auth: { rate_limit: { token_verifications: 3 }, email: { max_frequency: '1m30s', smtp: { enabled: true, host: 'smtp.example.com', admin_email: 'auth@example.com' } } },
    });
    expect(auth.rateLimit).toEqual({ ...CLI_RATE_LIMITS, tokenVerifications: 3 });
    expect(auth.emailMaxFrequencySeconds).toBe(90);
    expect(auth.emailSentPerHour).toBe(CLI_RATE_LIMITS.emailSent);
    expect(auth.siteUrl).toBe('http://127.0.0.1:3000');
    expect(api.maxRows).toBe(1000);
  });

  it('refuses limits and durations the CLI would not read', () => {
    expect(() => readProjectConfig(CONFIG, { auth: { rate_limit: { token_refresh: -1 } } })).toThrow(
      '[auth.rate_limit] token_refresh must be a whole number',
    );
    expect(() => durationSeconds('soon', '[auth.email] max_frequency')).toThrow('is not a duration');
  });
});

describe('[local_smtp]', () => {
  it("defaults to the CLI's catcher ports, enabled", () => {
    const { localSmtp, warnings } = readProjectConfig(CONFIG);
    expect(localSmtp).toEqual({ enabled: true, port: 54324, smtpPort: 54325 });
    expect(warnings).toEqual([]);
  });

  it('reads [local_smtp], and the deprecated [inbucket] with the warning the CLI gives', () => {
    expect(readProjectConfig(CONFIG, { local_smtp: { enabled: false, port: 6000, smtp_port: 6001 } }).localSmtp).toEqual({
      enabled: false,
      port: 6000,
      smtpPort: 6001,
    });
    const old = readProjectConfig(CONFIG, { inbucket: { enabled: false } });
    expect(old.localSmtp.enabled).toBe(false);
    expect(old.warnings).toEqual(['config section [inbucket] is deprecated. Please use [local_smtp] instead.']);
  });

  it('refuses a port that is no port', () => {
    expect(() => readProjectConfig(CONFIG, { local_smtp: { smtp_port: 70000 } })).toThrow('[local_smtp] smtp_port must be a port number');
  });
});

describe('[auth.email] mail settings', () => {
  it("defaults to GoTrue's: double confirmation, 6-digit codes for an hour, the catcher, no notices", () => {
    const { email, sendEmailHook } = readProjectConfig(CONFIG).auth;
    expect(email).toEqual({
      doubleConfirmChanges: true,
      securePasswordChange: false,
      otpLength: 6,
      otpExpirySeconds: 3600,
      smtp: undefined,
      localSender: { name: 'Admin', address: 'admin@email.com' },
      templates: {},
      notifications: {
        password_changed: false,
        email_changed: false,
        phone_changed: false,
        identity_linked: false,
        identity_unlinked: false,
        mfa_factor_enrolled: false,
        mfa_factor_unenrolled: false,
      },
    });
    expect(sendEmailHook).toBeUndefined();
  });

  it("takes the catcher's sender from [local_smtp], as the CLI hands it to GoTrue", () => {
    const { email } = readProjectConfig(CONFIG, { local_smtp: { admin_email: 'auth@desk.test', sender_name: 'Desk' } }).auth;
    expect(email.localSender).toEqual({ name: 'Desk', address: 'auth@desk.test' });
  });

  it('reads SMTP (with env() secrets), templates from content_path and the notices', () => {
    const dir = mkdtempSync(join(tmpdir(), 'supabase-local-templates-'));
    process.env.TEST_SMTP_PASS = 'from-the-environment';
    try {
      writeFileSync(join(dir, 'invite.html'), '<a href="{{ .ConfirmationURL }}">Join</a>');
      writeFileSync(join(dir, 'enrolled.html'), '<p>{{ .FactorType }} added</p>');
      const { email } = readProjectConfig(CONFIG, {
        auth: {
          email: {
            smtp: { enabled: true, host: 'smtp.example.com', port: 465, user: 'apikey', pass: 'env(TEST_SMTP_PASS)', admin_email: 'a@example.com', sender_name: 'Desk' },
            template: { invite: { subject: 'Join us', content_path: join(dir, 'invite.html') }, recovery: { subject: 'Reset' } },
            notification: {
              password_changed: { enabled: true, subject: 'Changed' },
              mfa_factor_enrolled: { enabled: true, content_path: join(dir, 'enrolled.html') },
              // Off: its template is left out, as for every notice that is not sent.
              identity_unlinked: { enabled: false, subject: 'Unused' },
            },
          },
        },
      }).auth;
      expect(email.smtp).toEqual({ host: 'smtp.example.com', port: 465, user: 'apikey', pass: 'from-the-environment', adminEmail: 'a@example.com', senderName: 'Desk' });
      expect(email.templates).toEqual({
        invite: { subject: 'Join us', content: '<a href="{{ .ConfirmationURL }}">Join</a>' },
        recovery: { subject: 'Reset' },
        password_changed: { subject: 'Changed' },
        mfa_factor_enrolled: { content: '<p>{{ .FactorType }} added</p>' },
      });
      expect(email.notifications).toEqual({
        password_changed: true,
        email_changed: false,
        phone_changed: false,
        identity_linked: false,
        identity_unlinked: false,
        mfa_factor_enrolled: true,
        mfa_factor_unenrolled: false,
      });
    } finally {
      delete process.env.TEST_SMTP_PASS;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses SMTP without a host or sender, an unset env(), and a template file that is not there', () => {
    expect(() => readProjectConfig(CONFIG, { auth: { email: { smtp: { enabled: true, admin_email: 'a@example.com' } } } })).toThrow(
      '[auth.email.smtp] enabled = true needs a host',
    );
    expect(() => readProjectConfig(CONFIG, { auth: { email: { smtp: { enabled: true, host: 'h' } } } })).toThrow('admin_email must be an e-mail address');
    expect(() =>
      readProjectConfig(CONFIG, { auth: { email: { smtp: { enabled: true, host: 'h', admin_email: 'a@b.c', pass: 'env(NOT_SET_ANYWHERE)' } } } }),
    ).toThrow('NOT_SET_ANYWHERE is not set');
    expect(() => readProjectConfig(CONFIG, { auth: { email: { template: { invite: { content_path: './nowhere.html' } } } } })).toThrow(
      '[auth.email.template.invite] content_path = "./nowhere.html" cannot be read',
    );
    expect(() => readProjectConfig(CONFIG, { auth: { email: { otp_length: 4 } } })).toThrow('otp_length must be a whole number from 6 to 10');
  });

  it('reads the Send Email hook: HTTP with Standard Webhooks secrets, or a Postgres function', () => {
    const http = readProjectConfig(CONFIG, {
      auth: { hook: { send_email: { enabled: true, uri: 'https://hooks.example.com/mail', secrets: 'v1,whsec_c2VjcmV0|v1,whsec_b2xk' } } },
    }).auth.sendEmailHook;
    expect(http).toEqual({ kind: 'http', uri: 'https://hooks.example.com/mail', secrets: ['v1,whsec_c2VjcmV0', 'v1,whsec_b2xk'] });
    const pgHook = readProjectConfig(CONFIG, {
      auth: { hook: { send_email: { enabled: true, uri: 'pg-functions://postgres/public/send_email' } } },
    }).auth.sendEmailHook;
    expect(pgHook).toEqual({ kind: 'postgres', uri: 'pg-functions://postgres/public/send_email', schema: 'public', name: 'send_email' });
    expect(readProjectConfig(CONFIG, { auth: { hook: { send_email: { enabled: false, uri: 'nonsense' } } } }).auth.sendEmailHook).toBeUndefined();
    expect(() => readProjectConfig(CONFIG, { auth: { hook: { send_email: { enabled: true, uri: 'ftp://x' } } } })).toThrow(
      '[auth.hook.send_email] uri must be http(s)://… or pg-functions://postgres/<schema>/<function>',
    );
    expect(() =>
      readProjectConfig(CONFIG, { auth: { hook: { send_email: { enabled: true, uri: 'http://127.0.0.1:9/x', secrets: 'whsec_abc' } } } }),
    ).toThrow('secrets must be "v1,whsec_<base64>"');
  });
});

describe('findProjectDir', () => {
  it('finds the nearest folder upwards with supabase/config.toml, as the Supabase CLI does', () => {
    const top = mkdtempSync(join(tmpdir(), 'supabase-local-project-'));
    try {
      const project = join(top, 'app');
      mkdirSync(join(project, 'supabase', 'local', 'tests'), { recursive: true });
      writeFileSync(join(project, 'supabase', 'config.toml'), '');
      expect(findProjectDir(join(project, 'supabase', 'local', 'tests'))).toBe(project);
      expect(findProjectDir(project)).toBe(project);
      // No project above: the folder itself, so the error names the config.toml that is missing there.
      expect(findProjectDir(top)).toBe(top);
    } finally {
      rmSync(top, { recursive: true, force: true });
    }
  });
});

describe('[storage]', () => {
  it("defaults to the CLI's: enabled, 50 MiB, no buckets", () => {
    expect(readProjectConfig(CONFIG).storage).toEqual({ enabled: true, fileSizeLimit: 52428800, buckets: [] });
  });

  it('reads sizes in the CLI units (binary, KB or KiB alike) and the buckets to seed', () => {
    const { storage } = readProjectConfig(CONFIG, {
      storage: {
        enabled: false,
        file_size_limit: '5MB',
        buckets: {
          avatars: { public: true, file_size_limit: '512KiB', allowed_mime_types: ['image/png', 'image/*'] },
          docs: {},
        },
      },
    });
    expect(storage).toEqual({
      enabled: false,
      fileSizeLimit: 5 * 1024 * 1024,
      buckets: [
        { name: 'avatars', public: true, fileSizeLimit: 512 * 1024, allowedMimeTypes: ['image/png', 'image/*'] },
        { name: 'docs', public: false, fileSizeLimit: null, allowedMimeTypes: null },
      ],
    });
    expect(configSizeBytes(1000, 'x')).toBe(1000);
    expect(configSizeBytes('1.5G', 'x')).toBe(1.5 * 1024 ** 3);
    expect(configSizeBytes('10b', 'x')).toBe(10);
  });

  it('refuses sizes and bucket settings the CLI would not read', () => {
    expect(() => readProjectConfig(CONFIG, { storage: { file_size_limit: 'big' } })).toThrow('[storage] file_size_limit = "big" is not a size');
    expect(() => readProjectConfig(CONFIG, { storage: { file_size_limit: -1 } })).toThrow('is not a size');
    expect(() => readProjectConfig(CONFIG, { storage: { buckets: { a: { allowed_mime_types: 'image/png' } } } })).toThrow(
      '[storage.buckets.a] allowed_mime_types must be a list',
    );
    expect(() => readProjectConfig(CONFIG, { storage: { buckets: { a: { public: 'yes' } } } })).toThrow('[storage.buckets.a] public must be true or false');
  });
});
