/**
 * The functions service on its own, without the stack: the parts the conformance suite cannot reach
 * through the gateway (dotenv parsing, what leaks into the environment, the OPTIONS exemption as the
 * runtime sees it, reloading edited files, a function that calls Deno.exit).
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { stackKeys, type StackKeys } from '../core/keys.ts';
import { CLI_RATE_LIMITS } from '../core/project-config.ts';
import type { ServiceContext, ServiceResponse } from '../core/service.ts';
import { functionEnv, passthroughEnv } from './env.ts';
import { createFunctionsService, parseDotenv, type FunctionsService } from './index.ts';

const quietLog = { info() {}, error() {} };

function context(keys: StackKeys, functions: ServiceContext['config']['functions'] = {}): ServiceContext {
  return {
    config: {
      auth: {
        siteUrl: 'http://localhost:5173', jwtExpiry: 3600, refreshTokenReuseInterval: 10, minimumPasswordLength: 8,
        enableSignup: true, enableConfirmations: false, rateLimit: CLI_RATE_LIMITS, emailSentPerHour: 360000,
        emailMaxFrequencySeconds: 1,
        email: {
          doubleConfirmChanges: true, securePasswordChange: false, otpLength: 6, otpExpirySeconds: 3600, templates: {},
          localSender: { name: 'Admin', address: 'admin@email.com' },
          notifications: {
            password_changed: false, email_changed: false, phone_changed: false, identity_linked: false,
            identity_unlinked: false, mfa_factor_enrolled: false, mfa_factor_unenrolled: false,
          },
        },
        enableAnonymousSignIns: false,
        enableManualLinking: false,
        mfa: {
          maxEnrolledFactors: 10,
          totp: { enrollEnabled: true, verifyEnabled: true },
          phone: { enrollEnabled: false, verifyEnabled: false, otpLength: 6, maxFrequencySeconds: 5 },
          webAuthn: { enrollEnabled: false, verifyEnabled: false },
        },
      },
      api: { schemas: ['public'], extraSearchPath: ['public'], maxRows: 1000 },
      db: { schemaPaths: [] },
      functions,
      localSmtp: { enabled: false, port: 0, smtpPort: 0 },
      storage: { enabled: false, fileSizeLimit: 52428800, buckets: [] },
      warnings: [],
    },
    keys,
    apiUrl: 'http://127.0.0.1:54321',
    dbUrl: 'postgresql://postgres:postgres@127.0.0.1:54322/postgres',
    pools: {} as ServiceContext['pools'],
    supabaseDir: join(import.meta.dirname, '..', 'tests', 'fixtures'),
    log: quietLog,
  };
}

describe('parseDotenv', () => {
  test('reads the forms godotenv accepts', () => {
    const parsed = parseDotenv(
      [
        '# a comment',
        'PLAIN=value',
        'export EXPORTED=yes',
        'SPACED = padded   ',
        'TRAILING=kept # dropped',
        'HASH=http://x/#fragment',
        "SINGLE='literal \\n $HOME'",
        'DOUBLE="line one\\nline two"',
        'MULTI="first',
        'second"',
        'EMPTY=',
        '',
      ].join('\r\n'),
    );
    expect(parsed).toEqual({
      PLAIN: 'value',
      EXPORTED: 'yes',
      SPACED: 'padded',
      TRAILING: 'kept',
      HASH: 'http://x/#fragment',
      SINGLE: 'literal \\n $HOME',
      DOUBLE: 'line one\nline two',
      MULTI: 'first\nsecond',
      EMPTY: '',
    });
  });
});

describe('functionEnv', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'functions-env-'));
    writeFileSync(join(dir, '.env'), 'FROM_FILE=file\nOVERRIDDEN=file\nSUPABASE_URL=http://evil.example\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('layers .env, the stack env and the SUPABASE_ variables, and nothing from the shell', async () => {
    const keys = await stackKeys();
    process.env.PRO_PORTAL_SHELL_SECRET = 'must not reach functions';
    try {
      const env = functionEnv(context(keys), dir, { OVERRIDDEN: 'stack', STRIPE_SECRET_KEY: 'sk_test_x' });
      expect(env.FROM_FILE, '.env is loaded').toBe('file');
      expect(env.OVERRIDDEN, 'the stack env wins over .env').toBe('stack');
      expect(env.STRIPE_SECRET_KEY).toBe('sk_test_x');
      expect(env.SUPABASE_URL, 'SUPABASE_ names in .env are ignored, as the CLI does').toBe('http://127.0.0.1:54321');
      expect(env.SUPABASE_ANON_KEY).toBe(keys.anonKey);
      expect(env.SUPABASE_SERVICE_ROLE_KEY).toBe(keys.serviceRoleKey);
      expect(env.SUPABASE_DB_URL).toBe('postgresql://postgres:postgres@127.0.0.1:54322/postgres');
      expect(JSON.parse(env.SUPABASE_PUBLISHABLE_KEYS!)).toEqual({ default: keys.publishableKey });
      expect(JSON.parse(env.SUPABASE_SECRET_KEYS!)).toEqual({ default: keys.secretKey });
      expect(env.SB_REGION, 'hosted-only variables are not set').toBeUndefined();
      expect(env.PRO_PORTAL_SHELL_SECRET, "the developer's shell does not leak in").toBeUndefined();
    } finally {
      delete process.env.PRO_PORTAL_SHELL_SECRET;
    }
  });
});

describe('passthroughEnv', () => {
  test('hands on only the named variables that are set, so nothing else of the shell leaks in', () => {
    const shell = { STRIPE_SECRET_KEY: 'sk_test_x', SITE_URL: '', HOME: '/root', OTHER_SECRET: 'no' };
    expect(passthroughEnv(['STRIPE_SECRET_KEY', 'SITE_URL', 'PAYMENT_PROVIDER'], shell)).toEqual({ STRIPE_SECRET_KEY: 'sk_test_x' });
    expect(passthroughEnv([], shell)).toEqual({});
  });
});

describe('the service without a gateway', () => {
  let dir: string;
  let service: FunctionsService;

  const call = (method: string, path: string, headers: Record<string, string> = {}): Promise<ServiceResponse> =>
    service.handle({
      method, path, rawQuery: '', query: new URLSearchParams(), headers, body: Buffer.alloc(0), ip: '127.0.0.1',
    });
  const text = async (path: string) => String((await call('GET', path)).body);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'functions-service-'));
    for (const slug of ['guarded', 'editable', 'exits']) mkdirSync(join(dir, slug));
    mkdirSync(join(dir, '_shared'));
    writeFileSync(
      join(dir, 'guarded', 'index.ts'),
      "Deno.serve((req) => new Response(`reached by ${req.method}`, { headers: { 'access-control-allow-origin': '*' } }));",
    );
    writeFileSync(join(dir, '_shared', 'word.ts'), "export const word = 'first';");
    writeFileSync(
      join(dir, 'editable', 'index.ts'),
      "import { word } from '../_shared/word.ts';\nDeno.serve(() => new Response(word));",
    );
    writeFileSync(join(dir, 'exits', 'index.ts'), 'Deno.serve(() => Deno.exit(3));');
    const keys = await stackKeys();
    const started = Date.now();
    service = await createFunctionsService(context(keys, { editable: { verifyJwt: true } }), {
      functionsDir: dir,
      env: {},
      functionsConfig: { editable: { verifyJwt: false }, exits: { verifyJwt: false } },
    });
    expect(Date.now() - started, 'start-up does not wait for function imports').toBeLessThan(5000);
  });
  afterAll(async () => {
    await service?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a preflight reaches a verify_jwt function without a token; other methods do not', async () => {
    const preflight = await call('OPTIONS', '/guarded', { 'access-control-request-method': 'POST' });
    expect(preflight.status).toBe(200);
    expect(String(preflight.body)).toBe('reached by OPTIONS');
    const post = await call('POST', '/guarded');
    expect(post.status).toBe(401);
    expect(JSON.parse(String(post.body))).toEqual({ msg: 'Error: Missing authorization header' });
  });

  test('options.functionsConfig overrides config.toml', async () => {
    expect((await call('GET', '/editable')).status).toBe(200);
  });

  test('an edit to a function or to _shared/ is served on a later request', async () => {
    expect(await text('/editable')).toBe('first');
    writeFileSync(join(dir, '_shared', 'word.ts'), "export const word = 'second';");
    await expect.poll(() => text('/editable'), { timeout: 5000, interval: 50 }).toBe('second');
    writeFileSync(join(dir, 'editable', 'index.ts'), "Deno.serve(() => new Response('third'));");
    await expect.poll(() => text('/editable'), { timeout: 5000, interval: 50 }).toBe('third');
  });

  test('Deno.exit in a function fails that request, not the runtime', async () => {
    const exited = await call('GET', '/exits');
    expect(exited.status).toBe(500);
    expect(JSON.parse(String(exited.body)).code).toBe('WORKER_ERROR');
    const other = await call('OPTIONS', '/guarded');
    expect(String(other.body), 'other functions still answer').toBe('reached by OPTIONS');
    expect((await call('GET', '/exits')).status, 'and the function boots again').toBe(500);
  });
});
