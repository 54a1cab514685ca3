/**
 * The e-mails GoTrue sends (`internal/mailer/templatemailer`, `internal/api/mail.go`): its subjects, HTML
 * bodies and link format, or the project's `[auth.email.template.*]`; over SMTP to `[auth.email.smtp]`,
 * or to the stack's mail catcher as the CLI sends to Mailpit; or, with `[auth.hook.send_email]`, to the
 * project's hook instead. Each mail is also logged with its link and code.
 */
import { createHash, randomInt } from 'node:crypto';
import { AUTH_MAIL_NOTIFICATIONS, type AuthMailTemplate, type SmtpSettings } from '../core/project-config.ts';
import type { ServiceContext, ServiceRequest } from '../core/service.ts';
import { createSmtpSender, type OutgoingMail, type SmtpSender } from '../mail/send.ts';
import { transaction, type Db } from './db.ts';
import type { AuthEnv } from './env.ts';
import { AuthError } from './errors.ts';
import { invokeSendEmailHook } from './mail-hook.ts';
import { parseTemplate, render, TemplateError } from './mail-template.ts';
import { emailRateLimitExceeded } from './rate-limit.ts';
import type { Json } from './request.ts';
import { userJson, type LoadedUser } from './users.ts';

/** A numeric code of `[auth.email] otp_length` digits and the hash GoTrue stores for it: hex(sha224(email + code)). */
export function newOneTimeToken(email: string, length = 6): { otp: string; tokenHash: string } {
  let otp = '';
  for (let i = 0; i < length; i += 1) otp += String(randomInt(0, 10));
  return { otp, tokenHash: tokenHash(email, otp) };
}

export function tokenHash(email: string, otp: string): string {
  return createHash('sha224').update(email + otp).digest('hex');
}

/**
 * Where to send the browser afterwards: the request's `redirect_to` when it is the site's origin or a
 * local address (the CLI allows `additional_redirect_urls`, which are all local here), else `site_url`.
 */
export function allowedRedirect(ctx: ServiceContext, redirectTo: string | null | undefined): string {
  const site = ctx.config.auth.siteUrl;
  if (!redirectTo) return site;
  try {
    const url = new URL(redirectTo);
    const siteOrigin = new URL(site).origin;
    if (url.origin === siteOrigin || ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) return redirectTo;
  } catch {
    // not a URL: fall back to the site
  }
  return site;
}

/**
 * Whether another e-mail may go out now (GoTrue's `validateSentWithinFrequencyLimit`, then the e-mail
 * limit of `sendEmail`): the address's last one of this kind was sent at `lastSentAt`. Throws 429
 * `over_email_send_rate_limit`; called inside the transaction that stores the new token, so a refused
 * e-mail leaves the old token in place, as GoTrue does.
 */
export function allowEmail({ ctx, limits }: AuthEnv, lastSentAt: Date | null | undefined): void {
  const { emailMaxFrequencySeconds, emailSentPerHour, enableConfirmations } = ctx.config.auth;
  if (lastSentAt) {
    const leftMs = lastSentAt.getTime() + emailMaxFrequencySeconds * 1000 - Date.now();
    if (leftMs > 0) {
      throw new AuthError(
        429,
        'over_email_send_rate_limit',
        `For security purposes, you can only request this after ${Math.trunc(leftMs / 1000)} seconds.`,
      );
    }
  }
  if (emailSentPerHour === 0) throw emailRateLimitExceeded();
  // GoTrue counts e-mails against the limit only when sign-ups must be confirmed.
  if (enableConfirmations) limits.email();
}

/** GoTrue's `email_action_type`s, as the Send Email hook receives them. */
export type MailAction =
  | 'signup'
  | 'invite'
  | 'magiclink'
  | 'recovery'
  | 'email_change'
  | 'reauthentication'
  | NoticeAction;

/**
 * The security notices the local stack has occasion to send. GoTrue also has `phone_changed` (after a
 * phone change is verified by SMS) and `identity_linked` (after an OAuth or ID-token sign-in links an
 * identity, or a phone is verified): neither flow exists here, so neither notice is ever due.
 */
export type NoticeAction =
  | 'password_changed_notification'
  | 'email_changed_notification'
  | 'identity_unlinked_notification'
  | 'mfa_factor_enrolled_notification'
  | 'mfa_factor_unenrolled_notification';

const TEMPLATE_OF: Record<MailAction, AuthMailTemplate> = {
  signup: 'confirmation',
  invite: 'invite',
  magiclink: 'magic_link',
  recovery: 'recovery',
  email_change: 'email_change',
  reauthentication: 'reauthentication',
  password_changed_notification: 'password_changed',
  email_changed_notification: 'email_changed',
  identity_unlinked_notification: 'identity_unlinked',
  mfa_factor_enrolled_notification: 'mfa_factor_enrolled',
  mfa_factor_unenrolled_notification: 'mfa_factor_unenrolled',
};

/** GoTrue's message for a failed send, per kind (`internal/api/mail.go`). */
const FAILURE: Record<MailAction, string> = {
  signup: 'Error sending confirmation email',
  invite: 'Error sending invite email',
  magiclink: 'Error sending magic link email',
  recovery: 'Error sending recovery email',
  email_change: 'Error sending email change email',
  reauthentication: 'Error sending reauthentication email',
  password_changed_notification: 'Error sending password changed notification email',
  email_changed_notification: 'Error sending email changed notification email',
  identity_unlinked_notification: 'Error sending identity unlinked notification email',
  mfa_factor_enrolled_notification: 'Error sending MFA factor enrolled notification email',
  mfa_factor_unenrolled_notification: 'Error sending MFA factor unenrolled notification email',
};

/** GoTrue's default subjects and bodies (`internal/mailer/templatemailer/templatemailer.go`). */
export const DEFAULT_SUBJECTS: Record<AuthMailTemplate, string> = {
  invite: "You've been invited",
  confirmation: 'Confirm your email address',
  recovery: 'Reset your password',
  magic_link: 'Your sign-in link',
  email_change: 'Confirm your new email address',
  reauthentication: '{{ .Token }} is your verification code',
  password_changed: 'Your password was changed',
  email_changed: 'Your email address was changed',
  phone_changed: 'Your phone number was changed',
  identity_linked: 'A new sign-in method was linked to your account',
  identity_unlinked: 'A sign-in method was removed from your account',
  mfa_factor_enrolled: 'A new verification method was added to your account',
  mfa_factor_unenrolled: 'A verification method was removed from your account',
};

export const DEFAULT_BODIES: Record<AuthMailTemplate, string> = {
  invite: `<h2>You've been invited</h2>

<p>You've been invited to create an account. Follow the link below to accept.</p>
<p><a href="{{ .ConfirmationURL }}">Accept invitation</a></p>`,
  confirmation: `<h2>Confirm your email address</h2>

<p>Follow the link below to confirm this email address and finish signing up.</p>
<p><a href="{{ .ConfirmationURL }}">Confirm email address</a></p>
`,
  recovery: `<h2>Reset your password</h2>

<p>We received a request to reset your password. Follow the link below to choose a new one.</p>
<p><a href="{{ .ConfirmationURL }}">Reset password</a></p>
<p>If you didn't request this, you can safely ignore this email.</p>`,
  magic_link: `<h2>Your sign-in link</h2>

<p>Follow the link below to sign in. This link expires shortly and can only be used once.</p>
<p><a href="{{ .ConfirmationURL }}">Sign in</a></p>`,
  email_change: `<h2>Confirm your new email address</h2>

<p>Follow the link below to confirm {{ .NewEmail }} as your new email address.</p>
<p><a href="{{ .ConfirmationURL }}">Confirm new email address</a></p>
<p>If you didn't request this change, you can safely ignore this email.</p>`,
  reauthentication: `<h2>Your verification code</h2>

<p>Use the code below to verify your identity. It expires shortly.</p>
<p>{{ .Token }}</p>`,
  password_changed: `<h2>Your password was changed</h2>

<p>The password for your account was recently changed.</p>
<p>If you didn't make this change, reset your password and contact support immediately.</p>`,
  email_changed: `<h2>Your email address was changed</h2>

<p>The email address for your account was changed from {{ .OldEmail }} to {{ .Email }}.</p>
<p>If you didn't make this change, contact support immediately.</p>`,
  phone_changed: `<h2>Your phone number was changed</h2>

<p>The phone number for your account was changed from {{ .OldPhone }} to {{ .Phone }}.</p>
<p>If you didn't make this change, contact support immediately.</p>
`,
  identity_linked: `<h2>A new sign-in method was linked</h2>

<p>Your {{ .Provider }} account was linked as a new sign-in method for {{ .Email }}.</p>
<p>If you didn't make this change, contact support immediately.</p>
`,
  identity_unlinked: `<h2>A sign-in method was removed</h2>

<p>Your {{ .Provider }} account was removed as a sign-in method for {{ .Email }}.</p>
<p>If you didn't make this change, contact support immediately.</p>
`,
  mfa_factor_enrolled: `<h2>A new verification method was added</h2>

<p>Sign-in verification method {{ .FactorType }} was added to your account.</p>
<p>If you didn't make this change, contact support immediately.</p>
`,
  mfa_factor_unenrolled: `<h2>A verification method was removed</h2>

<p>Sign-in verification method {{ .FactorType }} was removed from your account.</p>
<p>If you didn't make this change, contact support immediately.</p>
`,
};

/**
 * The verify link (`getPath`): the API's `/auth/v1/verify` with the hashed token, the type, and the
 * redirect — which GoTrue escapes only when it holds `&`, `=` or `#` (anything else is passed as given).
 */
export function verifyLink(ctx: ServiceContext, token: string, type: string, redirectTo: string): string {
  const redirect = /[&=#]/.test(redirectTo) ? goQueryEscape(redirectTo) : redirectTo;
  return `${ctx.apiUrl}/auth/v1/verify?token=${encodeURIComponent(token)}&type=${encodeURIComponent(type)}&redirect_to=${redirect}`;
}

/** Go's `url.QueryEscape`: everything but letters, digits and `-_.~` escaped, and a space as `+`. */
function goQueryEscape(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

export interface MailRequest {
  action: MailAction;
  /** The user as stored after this request's token was written. */
  user: LoadedUser;
  /** The code behind the stored hash (for an e-mail change: the current address's code). */
  otp?: string;
  /** E-mail change: the new address's code. */
  otpNew?: string;
  /** E-mail changed notification: the address the account had before. */
  oldEmail?: string;
  /** Identity unlinked notification: the unlinked identity's provider. */
  provider?: string;
  /**
   * Identity unlinked notification: the address the account had before the unlinking, which may have
   * taken the account's address with it; the notice goes there.
   */
  recipientEmail?: string;
  /** MFA factor notifications: the factor's type (`totp`, `phone`). */
  factorType?: string;
  redirectTo: string;
}

/** Rendered mails waiting for their transaction to commit. */
export type MailQueue = OutgoingMail[];

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export class AuthMailer {
  private sender?: { key: string; smtp: SmtpSender };

  /** Parses the project's templates now, so one Go would refuse stops the stack at start, not a sign-up later. */
  constructor(private readonly ctx: ServiceContext) {
    for (const [kind, template] of Object.entries(ctx.config.auth.email.templates)) {
      for (const [part, source] of [['subject', template.subject], ['content_path', template.content]] as const) {
        if (source === undefined) continue;
        try {
          parseTemplate(source);
        } catch (error) {
          if (!(error instanceof TemplateError)) throw error;
          const section = (AUTH_MAIL_NOTIFICATIONS as readonly string[]).includes(kind) ? 'notification' : 'template';
          throw new Error(`config.toml: [auth.email.${section}.${kind}] ${part}: ${error.message}`, { cause: error });
        }
      }
    }
  }

  /**
   * Sends (or queues, for after the commit) the mail(s) of one GoTrue `sendEmail` call. With a Send Email
   * hook the hook is called now, in the request's transaction (a pg-functions hook runs in it), and its
   * error is the request's error, as GoTrue answers.
   */
  async send(db: Db, req: ServiceRequest, queue: MailQueue, request: MailRequest): Promise<void> {
    const hook = this.ctx.config.auth.sendEmailHook;
    if (hook) {
      try {
        await invokeSendEmailHook(this.ctx, hook, db, req, {
          user: userJson(request.user),
          email_data: this.emailData(request),
        });
      } catch (error) {
        if (error instanceof AuthError) throw error;
        throw new AuthError(500, 'unexpected_failure', FAILURE[request.action]).withCause(`send_email hook: ${(error as Error).message}`);
      }
      this.ctx.log.info('auth', `"${request.action}" mail for ${str(request.user.row.email)} handed to the send_email hook`);
      return;
    }
    try {
      for (const mail of this.render(request)) queue.push(mail);
    } catch (error) {
      if (error instanceof TemplateError) {
        throw new AuthError(500, 'unexpected_failure', FAILURE[request.action]).withCause(`mail template: ${error.message}`);
      }
      throw error;
    }
  }

  /** GoTrue's `EmailData`, field for field, including its swapped e-mail-change hashes. */
  private emailData(request: MailRequest): Json {
    const row = request.user.row;
    const data = {
      token: request.otp ?? '',
      token_hash: '',
      redirect_to: request.redirectTo,
      email_action_type: request.action,
      // Hosted Auth's external URL is `https://<ref>.supabase.co/auth/v1`; the hook builds `<site_url>/verify?…`.
      site_url: `${this.ctx.apiUrl}/auth/v1`,
      token_new: '',
      token_hash_new: '',
      old_email: request.oldEmail ?? '',
      old_phone: '',
      provider: request.provider ?? '',
      factor_type: request.factorType ?? '',
    };
    switch (request.action) {
      case 'signup':
      case 'invite':
        data.token_hash = str(row.confirmation_token);
        break;
      case 'magiclink':
      case 'recovery':
        data.token_hash = str(row.recovery_token);
        break;
      case 'reauthentication':
        data.token_hash = str(row.reauthentication_token);
        break;
      case 'email_change':
        data.token_hash = str(row.email_change_token_new);
        if (this.doubleConfirm(request)) {
          data.token_new = request.otpNew ?? '';
          data.token_hash_new = str(row.email_change_token_current);
        } else {
          data.token = request.otpNew ?? '';
        }
        break;
      default:
        break;
    }
    return data;
  }

  private doubleConfirm(request: MailRequest): boolean {
    return this.ctx.config.auth.email.doubleConfirmChanges && str(request.user.row.email) !== '';
  }

  private render(request: MailRequest): OutgoingMail[] {
    const { ctx } = this;
    const row = request.user.row;
    const email = str(row.email);
    const base = {
      SiteURL: ctx.config.auth.siteUrl,
      Email: email,
      Data: row.raw_user_meta_data ?? {},
      RedirectTo: request.redirectTo,
    };
    const link = (hash: string, type: string) => verifyLink(ctx, hash, type, request.redirectTo);
    const mails: Array<{ to: string; data: Record<string, unknown>; code?: string; link?: string }> = [];
    switch (request.action) {
      case 'signup':
      case 'invite': {
        const hash = str(row.confirmation_token);
        mails.push({ to: email, data: { ...base, Token: request.otp, TokenHash: hash, ConfirmationURL: link(hash, request.action) } });
        break;
      }
      case 'magiclink':
      case 'recovery': {
        const hash = str(row.recovery_token);
        mails.push({ to: email, data: { ...base, Token: request.otp, TokenHash: hash, ConfirmationURL: link(hash, request.action) } });
        break;
      }
      case 'reauthentication':
        mails.push({ to: email, data: { SiteURL: base.SiteURL, Email: email, Token: request.otp, Data: base.Data } });
        break;
      case 'email_change': {
        const newEmail = str(row.email_change);
        const addresses = [{ to: newEmail, otp: request.otpNew, hash: str(row.email_change_token_new) }];
        if (this.doubleConfirm(request)) addresses.push({ to: email, otp: request.otp, hash: str(row.email_change_token_current) });
        for (const address of addresses) {
          mails.push({
            to: address.to,
            data: {
              ...base,
              NewEmail: newEmail,
              Token: address.otp,
              TokenHash: address.hash,
              SendingTo: address.to,
              ConfirmationURL: link(address.hash, 'email_change'),
            },
          });
        }
        break;
      }
      case 'password_changed_notification':
        mails.push({ to: email, data: { SiteURL: base.SiteURL, Email: email, Data: base.Data } });
        break;
      case 'email_changed_notification':
        mails.push({ to: request.oldEmail ?? '', data: { SiteURL: base.SiteURL, Email: email, OldEmail: request.oldEmail, Data: base.Data } });
        break;
      case 'identity_unlinked_notification': {
        const to = request.recipientEmail ?? email;
        mails.push({ to, data: { SiteURL: base.SiteURL, Email: to, Provider: request.provider, Data: base.Data } });
        break;
      }
      case 'mfa_factor_enrolled_notification':
      case 'mfa_factor_unenrolled_notification':
        mails.push({ to: email, data: { SiteURL: base.SiteURL, Email: email, FactorType: request.factorType, Data: base.Data } });
        break;
    }
    const template = TEMPLATE_OF[request.action];
    const custom = ctx.config.auth.email.templates[template] ?? {};
    const smtp = ctx.config.auth.email.smtp;
    const from = smtp ? { name: smtp.senderName, address: smtp.adminEmail } : ctx.config.auth.email.localSender;
    return mails.map(({ to, data }) => ({
      from,
      to,
      subject: render(custom.subject ?? DEFAULT_SUBJECTS[template], data),
      html: render(custom.content ?? DEFAULT_BODIES[template], data),
      log: typeof data.ConfirmationURL === 'string' ? ` — open ${data.ConfirmationURL}` : '',
      code: typeof data.Token === 'string' && data.Token ? ` or enter code ${data.Token}` : '',
    })).map(({ log, code, ...mail }) => {
      ctx.log.info('auth', `e-mail to ${mail.to}: "${mail.subject}"${log}${code}`);
      return mail;
    });
  }

  /**
   * Hands committed mails to SMTP without making the request wait for it (GoTrue's background sending,
   * which hosted Auth uses): the answer and its timing do not depend on whether a mail went out, so a
   * sign-up for an existing address cannot be told apart from a new one. A failure is logged.
   */
  deliver(queue: MailQueue): void {
    if (!queue.length) return;
    const sender = this.currentSender();
    if (!sender) {
      for (const mail of queue) this.ctx.log.info('auth', `e-mail to ${mail.to} not sent: no SMTP server ([local_smtp] is off)`);
      return;
    }
    for (const mail of queue) {
      sender.send(mail).catch((error: unknown) => {
        // The catcher stops first when the stack stops; a mail caught in that moment is no failure.
        if (this.ctx.stopping?.()) return;
        this.ctx.log.error('auth', `e-mail to ${mail.to} ("${mail.subject}") could not be sent`, error);
      });
    }
  }

  private currentSender(): SmtpSender | undefined {
    const smtp: SmtpSettings | undefined = this.ctx.config.auth.email.smtp;
    const port = this.ctx.localSmtpPort;
    const target = smtp
      ? { host: smtp.host, port: smtp.port, user: smtp.user, pass: smtp.pass }
      : port
        ? { host: '127.0.0.1', port, local: true }
        : undefined;
    if (!target) return undefined;
    const key = JSON.stringify(target);
    if (this.sender?.key !== key) {
      this.sender?.smtp.close();
      this.sender = { key, smtp: createSmtpSender(target) };
    }
    return this.sender.smtp;
  }

  close(): void {
    this.sender?.smtp.close();
    this.sender = undefined;
  }
}

/**
 * One transaction whose mails go out after it commits: rendered mails wait in the queue, so a rolled-back
 * request sends nothing. A retry after a deadlock starts with an empty queue.
 */
export async function withMail<T>(env: AuthEnv, work: (db: Db, queue: MailQueue) => Promise<T>): Promise<T> {
  let queue: MailQueue = [];
  const result = await transaction(env.ctx.pools.auth, (db) => {
    queue = [];
    return work(db, queue);
  });
  env.mailer.deliver(queue);
  return result;
}
