/**
 * The mail functions' settings, read from the environment in one place. Hosted Supabase gets them from
 * `supabase secrets set`; the local stack supplies local defaults for the ones it can (see
 * `.env.example`). Plain TypeScript, so the Node tests read it too.
 */
import { isValidAddress } from './address.ts';

type ReadEnv = (name: string) => string | undefined;

/** The app's address when SITE_URL is not set: `npm start`'s Vite server (config.toml's auth site_url). */
export const DEFAULT_SITE_URL = 'http://localhost:5173';
export const DEFAULT_MAIL_FROM = 'Pro Portal <support@pro-portal.test>';

export interface MailSettings {
  /** smtp://… or smtps://…; unset means mail cannot be sent (send-mail answers 503 and claims nothing). */
  smtpUrl?: string;
  /** The From header, `Name <address>`. */
  from: string;
  fromAddress: string;
  /** Right-hand side of Message-IDs: MAIL_DOMAIN, else the From address's domain. */
  messageIdDomain: string;
  /** The app, without a trailing slash: every link in a mail goes there. */
  siteUrl: string;
  /** The domain whose `reply+<token>@` addresses reach inbound-email; unset = no Reply-To. */
  inboundDomain?: string;
  /** `<SUPABASE_URL>/functions/v1`: the one-click unsubscribe endpoint lives there. */
  functionsUrl: string;
}

export class MailConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MailConfigError';
  }
}

function clean(read: ReadEnv, name: string): string | undefined {
  const value = read(name)?.trim();
  return value ? value : undefined;
}

function httpUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new MailConfigError(`${name} is not a URL: "${value}".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new MailConfigError(`${name} must be http or https, not ${url.protocol}`);
  return value.replace(/\/+$/, '');
}

/** Parses `Name <address>` or a bare address. */
export function parseMailbox(value: string): { name: string; address: string } | null {
  const angle = /^\s*(?:"?([^"<>]*?)"?\s*)?<([^<>\s]+)>\s*$/.exec(value);
  const address = angle ? (angle[2] ?? '') : value.trim();
  if (!isValidAddress(address)) return null;
  return { name: angle?.[1]?.trim() ?? '', address };
}

export function mailSettings(read: ReadEnv): MailSettings {
  const fromValue = clean(read, 'MAIL_FROM') ?? DEFAULT_MAIL_FROM;
  if (/[\r\n]/.test(fromValue)) throw new MailConfigError('MAIL_FROM must be one line.');
  const from = parseMailbox(fromValue);
  if (!from) throw new MailConfigError(`MAIL_FROM is not an address: "${fromValue}". Use e.g. "Pro Portal <support@example.com>".`);
  const smtpUrl = clean(read, 'SMTP_URL');
  if (smtpUrl && !/^smtps?:\/\/[^/\s]+/i.test(smtpUrl)) {
    throw new MailConfigError('SMTP_URL must look like smtp://host:port or smtps://user:password@host:465.');
  }
  const inboundDomain = clean(read, 'INBOUND_EMAIL_DOMAIN')?.toLowerCase();
  if (inboundDomain && !isValidAddress(`reply@${inboundDomain}`)) {
    throw new MailConfigError(`INBOUND_EMAIL_DOMAIN is not a domain: "${inboundDomain}".`);
  }
  const messageIdDomain = clean(read, 'MAIL_DOMAIN') ?? from.address.slice(from.address.lastIndexOf('@') + 1);
  if (!isValidAddress(`id@${messageIdDomain}`)) throw new MailConfigError(`MAIL_DOMAIN is not a domain: "${messageIdDomain}".`);
  const supabaseUrl = clean(read, 'SUPABASE_URL');
  if (!supabaseUrl) throw new MailConfigError('SUPABASE_URL is not set in the functions\' environment.');
  return {
    smtpUrl,
    from: from.name ? `${from.name} <${from.address}>` : from.address,
    fromAddress: from.address,
    messageIdDomain,
    siteUrl: httpUrl('SITE_URL', clean(read, 'SITE_URL') ?? DEFAULT_SITE_URL),
    inboundDomain,
    functionsUrl: `${httpUrl('SUPABASE_URL', supabaseUrl)}/functions/v1`,
  };
}
