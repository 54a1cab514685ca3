/**
 * Sends a rendered mail over SMTP (nodemailer, from SMTP_URL) and says how a failure should be treated:
 * `permanent` (the address is invalid or the receiving server refused the recipient: retrying cannot
 * help and the address is suppressed) or temporary (no connection, a 4xx, a timeout, the server refusing
 * our login: retried with backoff). Hosted Edge Functions cannot reach ports 25 and 587; use 465
 * (smtps://) or 2525, or the provider's HTTP API.
 */
import nodemailer from 'npm:nodemailer@10.6.1';
import { displayName, headerValue, HeaderInjectionError, isValidAddress } from './address.ts';
import { classifySmtpError, type SmtpError } from './failures.ts';
import type { NotificationHeaders } from './headers.ts';

export interface OutgoingMail {
  from: string;
  fromAddress: string;
  to: { email: string; name: string | null };
  subject: string;
  html: string;
  text: string;
  headers: NotificationHeaders;
}

export type SendResult =
  | { ok: true; providerId: string }
  | { ok: false; permanent: boolean; error: string };

/** Bounded so one slow server cannot hold a claimed message past its lease. */
const CONNECTION_TIMEOUT_MS = 10_000;
const SOCKET_TIMEOUT_MS = 15_000;

export interface Transport {
  send(mail: OutgoingMail): Promise<SendResult>;
  close(): void;
}

export function smtpTransport(smtpUrl: string): Transport {
  const transporter = nodemailer.createTransport({
    url: smtpUrl,
    pool: true,
    maxConnections: 3,
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    greetingTimeout: CONNECTION_TIMEOUT_MS,
    socketTimeout: SOCKET_TIMEOUT_MS,
  });
  return {
    async send(mail) {
      if (!isValidAddress(mail.to.email)) {
        return { ok: false, permanent: true, error: `invalid recipient address: ${JSON.stringify(mail.to.email.slice(0, 100))}` };
      }
      let subject: string;
      try {
        subject = headerValue('Subject', mail.subject);
        headerValue('From', mail.from);
      } catch (error) {
        // A bug of ours, not the address's fault: temporary, so it dies after the retries for an admin to see.
        if (error instanceof HeaderInjectionError) return { ok: false, permanent: false, error: error.message };
        throw error;
      }
      const name = displayName(mail.to.name);
      try {
        const info = await transporter.sendMail({
          from: mail.from,
          to: name ? { name, address: mail.to.email } : mail.to.email,
          envelope: { from: mail.fromAddress, to: [mail.to.email] },
          subject,
          text: mail.text,
          html: mail.html,
          messageId: mail.headers.messageId,
          replyTo: mail.headers.replyTo,
          headers: mail.headers.headers,
          // No software banner: it tells nothing to the reader and something to an attacker.
          xMailer: false,
        });
        const rejected = (info.rejected ?? []) as unknown[];
        if (rejected.length > 0) return { ok: false, permanent: true, error: `recipient refused: ${String(info.response ?? '')}` };
        return { ok: true, providerId: String(info.messageId ?? mail.headers.messageId) };
      } catch (error) {
        return { ok: false, ...classifySmtpError(error as SmtpError) };
      }
    },
    close() {
      transporter.close();
    },
  };
}
