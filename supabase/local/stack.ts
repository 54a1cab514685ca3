/**
 * The local stack as a library: PostgreSQL, bootstrap, migrations and seed, then the REST, Auth and
 * Functions services behind one gateway port, and the mail catcher on ports of its own, for the project
 * whose `supabase/` folder it is given.
 * `cli/stack.ts` prints and waits; hosts (an app's start script, tests, benchmarks) call `startStack`.
 */
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { createAuthService } from './auth/index.ts';
import { bootstrap, prepareDatabase } from './bootstrap/index.ts';
import { setStackSecrets, startExtensionWorkers, type ExtensionOptions } from './extensions/index.ts';
import { createFunctionsService } from './functions/index.ts';
import { localMailDefaults, passthroughEnv } from './functions/env.ts';
import { parseTrustedProxies } from './gateway/client-ip.ts';
import { createGateway } from './gateway/index.ts';
import { startMailService } from './mail/index.ts';
import { applyMigrations, applySeed } from './migrations/index.ts';
import { PASSWORD, startPostgres, SUPERUSER } from './postgres/index.ts';
import { createRealtimeService, type RealtimeLimits } from './realtime/index.ts';
import { startPostgresChanges, type PostgresChanges } from './realtime/postgres-changes.ts';
import { startMessageRetention } from './realtime/retention.ts';
import { createRestService } from './rest/index.ts';
import { createStorageService } from './storage/index.ts';
import { seedBuckets } from './storage/seed.ts';
import { loadSigningKeys, stackKeys, type StackKeys } from './core/keys.ts';
import { unregisterSigningKeys } from './core/jwt.ts';
import { createPool } from './core/db.ts';
import { createLogger } from './core/logger.ts';
import { freePort } from './core/ports.ts';
import { readProjectConfig, type TomlTable } from './core/project-config.ts';
import type { ServiceContext } from './core/service.ts';

export interface StackOptions {
  /**
   * The project's `supabase/` folder: `config.toml`, `migrations/`, `seed.sql` and `functions/` are read
   * from it, as the Supabase CLI reads them.
   */
  supabaseDir: string;
  port: number;
  dbPort: number;
  dataDir: string;
  reset?: boolean;
  quiet?: boolean;
  /**
   * The mail catcher's HTTP API and UI port, and its SMTP port, over `[local_smtp] port` / `smtp_port`
   * (54324 / 54325). Hosts that run beside another stack (tests, benchmarks) pass free ports; 0 lets
   * the OS pick.
   */
  mailPort?: number;
  smtpPort?: number;
  /** Where the edge functions are; `<supabaseDir>/functions` by default. */
  functionsDir?: string;
  /** Variables every function sees, over `<functionsDir>/.env`. */
  functionsEnv?: Record<string, string>;
  /**
   * Names of this process's environment variables handed on to the functions when set (e.g. a payment
   * provider's keys); functions otherwise see none of the caller's environment. `functionsEnv` wins.
   */
  functionsEnvPassthrough?: string[];
  functionsConfig?: Record<string, { verifyJwt: boolean }>;
  /**
   * Settings merged over supabase/config.toml, in its shape (`{auth: {rate_limit: {…}}}`): for suites that
   * need their own, e.g. tight rate limits to test them or generous ones for many sign-ins in a row.
   */
  configOverlay?: TomlTable;
  /**
   * Addresses of reverse proxies in front of the gateway whose `X-Forwarded-For` is believed. Defaults to
   * `SUPABASE_LOCAL_TRUSTED_PROXIES` (comma-separated), else none: the socket's peer is the client.
   */
  trustedProxies?: string[];
  /** Awaited before Postgres is started again after it died (tests hold it down with this). */
  beforePostgresRestart?: () => Promise<void>;
  /**
   * Limits and pace of the stand-ins' workers: pg_net's (`pgNet.concurrency`, 200 requests in flight;
   * `pollMs`; `ttl` of responses, 6 hours) and pg_cron's (`pgCron.tickMs`, 1 s).
   */
  extensions?: ExtensionOptions;
  /**
   * Realtime's Postgres Changes (row changes of the tables in the `supabase_realtime` publication, read
   * from the WAL on a temporary replication slot); on by default. `false` holds no replication
   * connection or slot, and Postgres Changes subscriptions are then refused.
   */
  postgresChanges?: boolean;
  /** Realtime's limits over its defaults (200 users, 100 channels a socket, 100 events/s, 3000 KB payloads, …). */
  realtimeLimits?: Partial<RealtimeLimits>;
  /**
   * MFA challenges and verifications per minute per client IP, each (after a burst of 30): GoTrue's
   * `GOTRUE_MFA_RATE_LIMIT_CHALLENGE_AND_VERIFY`, 15 by default, which config.toml cannot set. For suites
   * whose staff all enrol a factor from 127.0.0.1.
   */
  mfaRateLimit?: number;
}

export interface RunningStack {
  apiUrl: string;
  dbUrl: string;
  keys: StackKeys;
  /** True when this start created the database (and so ran every migration and the seed). */
  fresh: boolean;
  /** Migration versions applied by this start. */
  migrationsApplied: string[];
  /** The mail catcher's Mailpit API and UI, e.g. `http://127.0.0.1:54324`; undefined when `[local_smtp] enabled = false`. */
  mailUrl?: string;
  /** Where the catcher takes SMTP on 127.0.0.1 (no auth, no TLS); undefined when disabled. */
  smtpPort?: number;
  /** Postgres Changes for Realtime's socket; undefined when turned off (`postgresChanges: false`). */
  postgresChanges?: PostgresChanges;
  /** Reloads the REST schema cache now (DDL also reloads it by itself, via NOTIFY pgrst). */
  waitForSchemaReload(): Promise<void>;
  stop(): Promise<void>;
}

export async function startStack(options: StackOptions): Promise<RunningStack> {
  const log = createLogger(options.quiet);
  const supabaseDir = resolve(options.supabaseDir);
  const config = readProjectConfig(join(supabaseDir, 'config.toml'), options.configOverlay);
  for (const warning of config.warnings) process.stderr.write(`WARNING: ${warning}\n`);
  const trustedProxies =
    options.trustedProxies !== undefined
      ? parseTrustedProxies(options.trustedProxies.join(','), 'trustedProxies')
      : parseTrustedProxies(process.env.SUPABASE_LOCAL_TRUSTED_PROXIES, 'SUPABASE_LOCAL_TRUSTED_PROXIES');
  const keys = loadSigningKeys(await stackKeys(process.env.SUPABASE_JWT_SECRET || undefined), config.auth.signingKeysPath);
  const apiUrl = `http://127.0.0.1:${options.port}`;

  const postgres = await startPostgres({
    dataDir: options.dataDir,
    port: options.dbPort,
    reset: !!options.reset,
    log,
    beforeRestart: options.beforePostgresRestart,
  });
  const cleanup: Array<() => Promise<unknown>> = [() => postgres.stop()];
  if (keys.signingKeys) {
    const signingKeys = keys.signingKeys;
    cleanup.push(async () => unregisterSigningKeys(keys.jwtSecret, signingKeys));
  }
  let stopping = false;
  const stopAll = async () => {
    stopping = true;
    postgres.expectShutdown();
    for (const step of cleanup.reverse()) await step().catch((error: unknown) => log.error('stack', 'stop step failed', error));
    cleanup.length = 0;
  };

  try {
    const dbUrl = postgres.url('postgres');
    if (postgres.fresh) await bootstrap(postgres);
    else await prepareDatabase(postgres);
    const superuserUrl = postgres.url(SUPERUSER);
    // Before the migrations and the seed, which may read them; again below if the port was chosen by the OS.
    await setStackSecrets(superuserUrl, apiUrl, keys.serviceRoleKey);
    const migrationsApplied = await applyMigrations(dbUrl, supabaseDir);
    await applySeed(dbUrl, supabaseDir);
    if (config.storage.enabled) await seedBuckets(dbUrl, config.storage.buckets, config.storage.fileSizeLimit);

    // After the migrations, so the slot decodes only what happens once the stack serves.
    const postgresChanges = options.postgresChanges === false ? undefined : await startPostgresChanges({ superuserUrl, log });
    if (postgresChanges) cleanup.push(() => postgresChanges.close());

    const pools = {
      authenticator: createPool(postgres.url('authenticator', PASSWORD), 20, log),
      auth: createPool(postgres.url('supabase_auth_admin', PASSWORD), 5, log),
    };
    for (const pool of Object.values(pools)) cleanup.push(() => pool.end());
    const ctx: ServiceContext = { config, keys, apiUrl, dbUrl, pools, supabaseDir, log, stopping: () => stopping };

    // Known before the functions start, so their SMTP_URL points at the catcher.
    const smtpPort = config.localSmtp.enabled ? (options.smtpPort ?? config.localSmtp.smtpPort) || (await freePort()) : undefined;
    const [rest, auth, functions] = await Promise.all([
      createRestService(ctx),
      createAuthService(ctx, { mfaRequestsPerMinute: options.mfaRateLimit }),
      createFunctionsService(ctx, {
        functionsDir: options.functionsDir ?? join(supabaseDir, 'functions'),
        env: { ...passthroughEnv(options.functionsEnvPassthrough ?? []), ...options.functionsEnv },
        functionsConfig: options.functionsConfig,
        defaults: localMailDefaults(keys.jwtSecret, smtpPort),
      }),
    ]);
    cleanup.push(() => rest.close(), () => auth.close(), () => functions.close());

    // As storage-api: the caller's statements through a role-switching login, its own as the tables' owner.
    const storage = config.storage.enabled
      ? await createStorageService({
          keys,
          apiUrl,
          dataDir: options.dataDir,
          reset: !!options.reset,
          globalFileSizeLimit: config.storage.fileSizeLimit,
          pools: {
            user: createPool(postgres.url('authenticator', PASSWORD), 10, log),
            admin: createPool(postgres.url('supabase_storage_admin', PASSWORD), 10, log),
          },
          log,
        })
      : undefined;
    if (storage) cleanup.push(() => storage.close());

    // As Realtime: its own privileged connections, switching to the caller's role for RLS checks.
    const realtimePool = createPool(superuserUrl, 10, log);
    const realtime = createRealtimeService({ keys, pool: realtimePool, superuserUrl, log, limits: options.realtimeLimits, postgresChanges: postgresChanges ?? null });
    const retention = startMessageRetention({ pool: realtimePool, log });
    cleanup.push(() => realtimePool.end(), () => realtime.close(), async () => retention.stop());

    const gateway = createGateway({
      keys,
      log,
      trustedProxies,
      services: { rest: rest.handle, auth: auth.handle, functions: functions.handle, storage, realtime },
    });
    await new Promise<void>((resolve, reject) => {
      gateway.once('error', reject);
      gateway.listen(options.port, '127.0.0.1', () => resolve());
    });
    cleanup.push(
      () =>
        new Promise<void>((resolve) => {
          gateway.close(() => resolve());
          gateway.closeAllConnections();
        }),
    );
    const actualPort = (gateway.address() as AddressInfo).port;
    const actualApiUrl = actualPort === options.port ? apiUrl : `http://127.0.0.1:${actualPort}`;
    if (actualApiUrl !== apiUrl) await setStackSecrets(superuserUrl, actualApiUrl, keys.serviceRoleKey);

    // pg_net's worker and pg_cron's scheduler: after the gateway, so a job or request may call the API.
    const workers = startExtensionWorkers(superuserUrl, PASSWORD, log, options.extensions);
    cleanup.push(() => workers.close());

    const { INBOUND_EMAIL_DOMAIN: inboundDomain, MAILGUN_WEBHOOK_SIGNING_KEY: signingKey } = functions.env;

    const mail = config.localSmtp.enabled
      ? await startMailService({
          dataDir: options.dataDir,
          port: options.mailPort ?? config.localSmtp.port,
          smtpPort: smtpPort ?? 0,
          reset: !!options.reset,
          log,
          // Standing in for the mail provider's inbound route (see supabase/local/mail/inbound.ts).
          inbound:
            inboundDomain && signingKey
              ? { url: `${actualApiUrl}/functions/v1/inbound-email`, domain: inboundDomain, signingKey }
              : undefined,
        })
      : undefined;
    if (mail) cleanup.push(() => mail.close());
    ctx.localSmtpPort = mail?.smtpPort;

    return {
      apiUrl: actualApiUrl,
      dbUrl,
      keys,
      fresh: postgres.fresh,
      migrationsApplied,
      mailUrl: mail?.url,
      smtpPort: mail?.smtpPort,
      postgresChanges,
      waitForSchemaReload: () => rest.reloadSchema(),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
