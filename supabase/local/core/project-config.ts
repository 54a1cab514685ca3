/** Reads supabase/config.toml: the same file hosted Supabase reads, so local behaviour follows it. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'smol-toml';

/**
 * The project folder (the one holding `supabase/config.toml`) that `from` lies in, found as the Supabase
 * CLI finds it: the nearest folder upwards from `from` with that file; `from` itself when there is none.
 */
export function findProjectDir(from = process.cwd()): string {
  const start = resolve(from);
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'supabase', 'config.toml'))) return dir;
    if (dirname(dir) === dir) return start;
  }
}

export interface RateLimits {
  /** E-mails per hour, for the whole instance. */
  emailSent: number;
  /** The rest are requests per 5 minutes per client IP. */
  smsSent: number;
  anonymousUsers: number;
  tokenRefresh: number;
  signInSignUps: number;
  tokenVerifications: number;
  web3: number;
}

export interface ProjectConfig {
  auth: {
    siteUrl: string;
    jwtExpiry: number;
    refreshTokenReuseInterval: number;
    minimumPasswordLength: number;
    enableSignup: boolean;
    enableConfirmations: boolean;
    /** `[auth.rate_limit]` as written, in the CLI's units. */
    rateLimit: RateLimits;
    /**
     * The e-mail limit GoTrue enforces: the CLI hands it `email_sent` only with custom SMTP
     * (`[auth.email.smtp] enabled`); mail that goes to the local catcher may be sent 360000 times an hour.
     */
    emailSentPerHour: number;
    /** `[auth.email] max_frequency`: how soon another e-mail may go to the same address. */
    emailMaxFrequencySeconds: number;
    email: AuthEmailConfig;
    /** `[auth.hook.send_email]` when enabled: GoTrue hands every auth mail to it instead of SMTP. */
    sendEmailHook?: SendEmailHook;
    /**
     * `[auth] signing_keys_path` resolved against the supabase folder (as the CLI resolves it): a JWK
     * array whose signing key (ES256/RS256) signs access tokens instead of the HS256 secret.
     */
    signingKeysPath?: string;
    /** `[auth] enable_anonymous_sign_ins`: `signInAnonymously()` makes a user without e-mail or password. */
    enableAnonymousSignIns: boolean;
    /** `[auth] enable_manual_linking`: the `/user/identities` endpoints (linkIdentity, unlinkIdentity). */
    enableManualLinking: boolean;
    mfa: AuthMfaConfig;
  };
  api: { schemas: string[]; extraSearchPath: string[]; maxRows: number };
  /** `[db.migrations] schema_paths`: the declarative schema's files (globs allowed), in the order they apply. */
  db: { schemaPaths: string[] };
  /** verify_jwt per function slug; functions not listed verify (the CLI default). */
  functions: Record<string, { verifyJwt: boolean }>;
  /**
   * `[local_smtp]`, the mail catcher: `port` is its web UI and API, `smtp_port` its SMTP listener. The CLI
   * still reads the deprecated `[inbucket]` name with a warning; `warnings` carries it.
   */
  localSmtp: { enabled: boolean; port: number; smtpPort: number };
  /**
   * `[storage]`: whether `/storage/v1` is served, the largest object any bucket takes (bytes), and the
   * buckets `[storage.buckets.<name>]` describes, created or updated at every start as the CLI seeds them.
   */
  storage: { enabled: boolean; fileSizeLimit: number; buckets: StorageBucketConfig[] };
  warnings: string[];
}

/** The auth mails that `[auth.email.template.<kind>]` and `[auth.email.notification.<kind>]` name. */
export const AUTH_MAIL_TEMPLATES = ['invite', 'confirmation', 'recovery', 'magic_link', 'email_change', 'reauthentication'] as const;
export const AUTH_MAIL_NOTIFICATIONS = [
  'password_changed',
  'email_changed',
  'phone_changed',
  'identity_linked',
  'identity_unlinked',
  'mfa_factor_enrolled',
  'mfa_factor_unenrolled',
] as const;
export type AuthMailNotification = (typeof AUTH_MAIL_NOTIFICATIONS)[number];
export type AuthMailTemplate = (typeof AUTH_MAIL_TEMPLATES)[number] | AuthMailNotification;

export interface SmtpSettings {
  host: string;
  port: number;
  user: string;
  pass: string;
  adminEmail: string;
  senderName: string;
}

export interface AuthEmailConfig {
  /** `double_confirm_changes`: an e-mail change needs a link from the old address and one from the new. */
  doubleConfirmChanges: boolean;
  /** `secure_password_change`: a new password needs a reauthentication nonce unless signed in in the last 24 h. */
  securePasswordChange: boolean;
  otpLength: number;
  otpExpirySeconds: number;
  /** `[auth.email.smtp]` when enabled; otherwise mail goes to the stack's catcher. */
  smtp?: SmtpSettings;
  /** The From of mail to the catcher: `[local_smtp] sender_name` / `admin_email`, as the CLI hands them to GoTrue. */
  localSender: { name: string; address: string };
  /** Custom subjects and bodies (the file `content_path` names, already read); GoTrue's defaults fill the rest. */
  templates: Partial<Record<AuthMailTemplate, { subject?: string; content?: string }>>;
  /** `[auth.email.notification.<kind>] enabled`: GoTrue sends these security notices only when asked to. */
  notifications: Record<AuthMailNotification, boolean>;
}

/** `[auth.mfa]`, with the CLI's defaults: TOTP on, phone and WebAuthn off, ten factors per user. */
export interface AuthMfaConfig {
  maxEnrolledFactors: number;
  totp: { enrollEnabled: boolean; verifyEnabled: boolean };
  /** Phone factors: codes go out by SMS, which needs `[auth.sms]` a provider the local stack does not have. */
  phone: { enrollEnabled: boolean; verifyEnabled: boolean; otpLength: number; maxFrequencySeconds: number };
  webAuthn: { enrollEnabled: boolean; verifyEnabled: boolean };
}

function mfaSettings(mfa: TomlTable): AuthMfaConfig {
  const factor = (settings: TomlTable) => ({
    enrollEnabled: bool(settings.enroll_enabled, false),
    verifyEnabled: bool(settings.verify_enabled, false),
  });
  const totp = table(mfa.totp);
  const phone = table(mfa.phone);
  const maxEnrolledFactors = num(mfa.max_enrolled_factors, 10);
  if (!Number.isInteger(maxEnrolledFactors) || maxEnrolledFactors < 0) {
    throw new Error(`config.toml: [auth.mfa] max_enrolled_factors must be a whole number, not ${String(mfa.max_enrolled_factors)}`);
  }
  const otpLength = num(phone.otp_length, 6);
  if (!Number.isInteger(otpLength) || otpLength < 6 || otpLength > 10) {
    throw new Error(`config.toml: [auth.mfa.phone] otp_length must be a whole number from 6 to 10, not ${String(phone.otp_length)}`);
  }
  return {
    maxEnrolledFactors,
    totp: { enrollEnabled: bool(totp.enroll_enabled, true), verifyEnabled: bool(totp.verify_enabled, true) },
    phone: {
      ...factor(phone),
      otpLength,
      maxFrequencySeconds: durationSeconds(typeof phone.max_frequency === 'string' ? phone.max_frequency : '5s', '[auth.mfa.phone] max_frequency'),
    },
    webAuthn: factor(table(mfa.web_authn)),
  };
}

export type SendEmailHook =
  | { kind: 'http'; uri: string; /** Standard Webhooks secrets, `v1,whsec_<base64>` each. */ secrets: string[] }
  | { kind: 'postgres'; uri: string; schema: string; name: string };

export interface StorageBucketConfig {
  name: string;
  public: boolean;
  /** Bytes; null when the bucket has no limit of its own (the global one applies). */
  fileSizeLimit: number | null;
  allowedMimeTypes: string[] | null;
}

/** The CLI's `[storage] file_size_limit` default, "50MiB". */
export const CLI_STORAGE_FILE_SIZE_LIMIT = 50 * 1024 * 1024;

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/**
 * A size as the CLI reads it from config.toml (docker's `RAMInBytes`): a number of bytes, or a string such
 * as "50MiB" or "5MB", whose units are binary whether written KB or KiB.
 */
export function configSizeBytes(value: unknown, name: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  const match = typeof value === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?\s*$/i.exec(value) : null;
  if (!match || (match[3] && !match[2] && match[3].toLowerCase() !== 'b')) {
    throw new Error(`config.toml: ${name} = ${JSON.stringify(value)} is not a size (e.g. "50MiB", "512KB", 1048576)`);
  }
  return Math.floor(Number(match[1]) * SIZE_UNITS[match[2]!.toLowerCase()]!);
}

function storageConfig(storage: TomlTable): ProjectConfig['storage'] {
  const fileSizeLimit =
    storage.file_size_limit === undefined ? CLI_STORAGE_FILE_SIZE_LIMIT : configSizeBytes(storage.file_size_limit, '[storage] file_size_limit');
  const buckets = Object.entries(table(storage.buckets)).map(([name, value]): StorageBucketConfig => {
    const bucket = table(value);
    const where = `[storage.buckets.${name}]`;
    const mimeTypes = bucket.allowed_mime_types;
    if (mimeTypes !== undefined && (!Array.isArray(mimeTypes) || mimeTypes.some((type) => typeof type !== 'string'))) {
      throw new Error(`config.toml: ${where} allowed_mime_types must be a list of strings such as ["image/png", "image/*"]`);
    }
    if (bucket.public !== undefined && typeof bucket.public !== 'boolean') {
      throw new Error(`config.toml: ${where} public must be true or false`);
    }
    return {
      name,
      public: bool(bucket.public, false),
      fileSizeLimit: bucket.file_size_limit === undefined ? null : configSizeBytes(bucket.file_size_limit, `${where} file_size_limit`),
      allowedMimeTypes: mimeTypes === undefined || (mimeTypes as string[]).length === 0 ? null : (mimeTypes as string[]),
    };
  });
  return { enabled: bool(storage.enabled, true), fileSizeLimit, buckets };
}

/** The CLI's defaults for `[auth.rate_limit]` (its config.toml template). */
export const CLI_RATE_LIMITS: RateLimits = {
  emailSent: 2,
  smsSent: 30,
  anonymousUsers: 30,
  tokenRefresh: 150,
  signInSignUps: 30,
  tokenVerifications: 30,
  web3: 30,
};

/** What the CLI sets GOTRUE_RATE_LIMIT_EMAIL_SENT to when no custom SMTP server is configured. */
export const LOCAL_MAIL_EMAILS_PER_HOUR = 360000;

export type TomlTable = Record<string, unknown>;
const table = (value: unknown): TomlTable =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as TomlTable) : {};
const num = (value: unknown, fallback: number) => (typeof value === 'number' ? value : fallback);
const bool = (value: unknown, fallback: boolean) => (typeof value === 'boolean' ? value : fallback);
const strings = (value: unknown, fallback: string[]) =>
  Array.isArray(value) ? value.map(String) : fallback;

/** Tables merge key by key, anything else in `overlay` replaces what `base` has. */
export function mergeToml(base: TomlTable, overlay: TomlTable): TomlTable {
  const merged: TomlTable = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    const current = merged[key];
    const bothTables = Object.keys(table(value)).length > 0 && current && typeof current === 'object' && !Array.isArray(current);
    merged[key] = bothTables ? mergeToml(current as TomlTable, value as TomlTable) : value;
  }
  return merged;
}

const DURATION_UNITS: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** Go's `time.ParseDuration` (what the CLI reads `max_frequency` with), in seconds. */
export function durationSeconds(value: string, name: string): number {
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (value === '0') return 0;
  if (!parts.length || parts.map((part) => part[0]).join('') !== value) {
    throw new Error(`config.toml: ${name} = "${value}" is not a duration (e.g. "1s", "60s", "1m30s")`);
  }
  return parts.reduce((sum, part) => sum + Number(part[1]) * DURATION_UNITS[part[2]!]!, 0);
}

function rateLimits(rate: TomlTable): RateLimits {
  const limits = { ...CLI_RATE_LIMITS };
  const keys: Record<keyof RateLimits, string> = {
    emailSent: 'email_sent',
    smsSent: 'sms_sent',
    anonymousUsers: 'anonymous_users',
    tokenRefresh: 'token_refresh',
    signInSignUps: 'sign_in_sign_ups',
    tokenVerifications: 'token_verifications',
    web3: 'web3',
  };
  for (const [field, key] of Object.entries(keys) as Array<[keyof RateLimits, string]>) {
    const value = num(rate[key], limits[field]);
    if (!Number.isInteger(value) || value < 0) {
      throw new Error(`config.toml: [auth.rate_limit] ${key} must be a whole number of requests, not ${String(rate[key])}`);
    }
    limits[field] = value;
  }
  return limits;
}

/** The CLI's `env(NAME)` in a value: the variable's value, so secrets stay out of config.toml. */
function withEnv(value: unknown, name: string): string {
  if (typeof value !== 'string') return '';
  const match = /^env\((\w+)\)$/.exec(value.trim());
  if (!match) return value;
  const resolved = process.env[match[1]!];
  if (resolved === undefined) throw new Error(`config.toml: ${name} = "${value}" but ${match[1]} is not set`);
  return resolved;
}

function smtpSettings(smtp: TomlTable): SmtpSettings | undefined {
  if (!bool(smtp.enabled, false)) return undefined;
  const host = withEnv(smtp.host, '[auth.email.smtp] host');
  const port = num(smtp.port, 587);
  if (!host) throw new Error('config.toml: [auth.email.smtp] enabled = true needs a host');
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new Error(`config.toml: [auth.email.smtp] port must be a port number, not ${String(smtp.port)}`);
  }
  const adminEmail = withEnv(smtp.admin_email, '[auth.email.smtp] admin_email');
  if (!/^[^\s@<>]+@[^\s@<>]+$/.test(adminEmail)) {
    throw new Error(`config.toml: [auth.email.smtp] admin_email must be an e-mail address, not "${adminEmail}"`);
  }
  return {
    host,
    port,
    user: withEnv(smtp.user, '[auth.email.smtp] user'),
    pass: withEnv(smtp.pass, '[auth.email.smtp] pass'),
    adminEmail,
    senderName: withEnv(smtp.sender_name, '[auth.email.smtp] sender_name'),
  };
}

/** A template's `content_path` is relative to the project folder (where `supabase/` lies), as for the CLI. */
function templateSettings(section: string, settings: TomlTable, projectDir: string) {
  const out: { subject?: string; content?: string } = {};
  if (typeof settings.subject === 'string') out.subject = settings.subject;
  if (typeof settings.content_path === 'string' && settings.content_path) {
    const file = resolve(projectDir, settings.content_path);
    try {
      out.content = readFileSync(file, 'utf8');
    } catch {
      throw new Error(`config.toml: ${section} content_path = "${settings.content_path}" cannot be read`);
    }
  }
  return out;
}

function emailSettings(email: TomlTable, localSmtp: TomlTable, projectDir: string): AuthEmailConfig {
  const templates: AuthEmailConfig['templates'] = {};
  const templateTable = table(email.template);
  for (const kind of AUTH_MAIL_TEMPLATES) {
    if (templateTable[kind] !== undefined) {
      templates[kind] = templateSettings(`[auth.email.template.${kind}]`, table(templateTable[kind]), projectDir);
    }
  }
  const notificationTable = table(email.notification);
  const notifications = {} as Record<AuthMailNotification, boolean>;
  for (const kind of AUTH_MAIL_NOTIFICATIONS) {
    const settings = table(notificationTable[kind]);
    notifications[kind] = bool(settings.enabled, false);
    if (notifications[kind]) templates[kind] = templateSettings(`[auth.email.notification.${kind}]`, settings, projectDir);
  }
  const otpLength = num(email.otp_length, 6);
  if (!Number.isInteger(otpLength) || otpLength < 6 || otpLength > 10) {
    throw new Error(`config.toml: [auth.email] otp_length must be a whole number from 6 to 10, not ${String(email.otp_length)}`);
  }
  const otpExpiry = num(email.otp_expiry, 3600);
  if (!Number.isInteger(otpExpiry) || otpExpiry <= 0 || otpExpiry > 86400) {
    throw new Error(`config.toml: [auth.email] otp_expiry must be 1 to 86400 seconds, not ${String(email.otp_expiry)}`);
  }
  return {
    doubleConfirmChanges: bool(email.double_confirm_changes, true),
    securePasswordChange: bool(email.secure_password_change, false),
    otpLength,
    otpExpirySeconds: otpExpiry,
    smtp: smtpSettings(table(email.smtp)),
    localSender: {
      name: typeof localSmtp.sender_name === 'string' ? localSmtp.sender_name : 'Admin',
      address: typeof localSmtp.admin_email === 'string' ? localSmtp.admin_email : 'admin@email.com',
    },
    templates,
    notifications,
  };
}

/** `[auth.hook.send_email]`: an `http(s)://` endpoint signed with Standard Webhooks, or `pg-functions://`. */
function sendEmailHook(hook: TomlTable): SendEmailHook | undefined {
  if (!bool(hook.enabled, false)) return undefined;
  const uri = typeof hook.uri === 'string' ? hook.uri.trim() : '';
  const pg = /^pg-functions:\/\/[^/]+\/([A-Za-z_][\w$]*)\/([A-Za-z_][\w$]*)$/.exec(uri);
  if (pg) return { kind: 'postgres', uri, schema: pg[1]!, name: pg[2]! };
  if (!/^https?:\/\/[^/]/.test(uri)) {
    throw new Error(
      `config.toml: [auth.hook.send_email] uri must be http(s)://… or pg-functions://postgres/<schema>/<function>, not "${uri}"`,
    );
  }
  const raw = withEnv(hook.secrets, '[auth.hook.send_email] secrets');
  const secrets = raw.split('|').map((secret) => secret.trim()).filter(Boolean);
  if (!secrets.length || secrets.some((secret) => !/^v1,whsec_[A-Za-z0-9+/=]+$/.test(secret))) {
    throw new Error('config.toml: [auth.hook.send_email] secrets must be "v1,whsec_<base64>" for an HTTP hook');
  }
  return { kind: 'http', uri, secrets };
}

/**
 * The project's config; `overlay` (TOML's shape, e.g. `{auth: {rate_limit: {token_verifications: 3}}}`)
 * is merged over the file, so a test or the e2e suite can run a stack with its own settings.
 */
export function readProjectConfig(path: string, overlay: TomlTable = {}): ProjectConfig {
  const toml = mergeToml(parse(readFileSync(path, 'utf8')), overlay);
  const auth = table(toml.auth);
  const email = table(auth.email);
  const smtp = table(email.smtp);
  const projectDir = dirname(dirname(resolve(path)));
  const rateLimit = rateLimits(table(auth.rate_limit));
  const api = table(toml.api);
  const migrations = table(table(toml.db).migrations);
  const functions: ProjectConfig['functions'] = {};
  for (const [slug, settings] of Object.entries(table(toml.functions))) {
    functions[slug] = { verifyJwt: bool(table(settings).verify_jwt, true) };
  }
  const warnings: string[] = [];
  let localSmtp = table(toml.local_smtp);
  if (toml.local_smtp === undefined && toml.inbucket !== undefined) {
    warnings.push('config section [inbucket] is deprecated. Please use [local_smtp] instead.');
    localSmtp = table(toml.inbucket);
  }
  const smtpPortOf = (key: string, fallback: number) => {
    const value = num(localSmtp[key], fallback);
    if (!Number.isInteger(value) || value < 0 || value > 65535) {
      throw new Error(`config.toml: [local_smtp] ${key} must be a port number, not ${String(localSmtp[key])}`);
    }
    return value;
  };
  const maxFrequency = typeof email.max_frequency === 'string' ? email.max_frequency : '1s';
  return {
    auth: {
      siteUrl: typeof auth.site_url === 'string' ? auth.site_url : 'http://localhost:5173',
      jwtExpiry: num(auth.jwt_expiry, 3600),
      refreshTokenReuseInterval: num(auth.refresh_token_reuse_interval, 10),
      minimumPasswordLength: num(auth.minimum_password_length, 6),
      enableSignup: bool(auth.enable_signup, true) && bool(email.enable_signup, true),
      enableConfirmations: bool(email.enable_confirmations, false),
      rateLimit,
      emailSentPerHour: bool(smtp.enabled, false) ? rateLimit.emailSent : LOCAL_MAIL_EMAILS_PER_HOUR,
      emailMaxFrequencySeconds: durationSeconds(maxFrequency, '[auth.email] max_frequency'),
      email: emailSettings(email, localSmtp, projectDir),
      sendEmailHook: sendEmailHook(table(table(auth.hook).send_email)),
      signingKeysPath:
        typeof auth.signing_keys_path === 'string' && auth.signing_keys_path !== ''
          ? resolve(dirname(resolve(path)), withEnv(auth.signing_keys_path, '[auth] signing_keys_path'))
          : undefined,
      enableAnonymousSignIns: bool(auth.enable_anonymous_sign_ins, false),
      enableManualLinking: bool(auth.enable_manual_linking, false),
      mfa: mfaSettings(table(auth.mfa)),
    },
    api: {
      schemas: strings(api.schemas, ['public']),
      extraSearchPath: strings(api.extra_search_path, ['public', 'extensions']),
      maxRows: num(api.max_rows, 1000),
    },
    db: { schemaPaths: strings(migrations.schema_paths, []) },
    functions,
    localSmtp: { enabled: bool(localSmtp.enabled, true), port: smtpPortOf('port', 54324), smtpPort: smtpPortOf('smtp_port', 54325) },
    storage: storageConfig(table(toml.storage)),
    warnings,
  };
}
