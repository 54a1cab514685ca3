/**
 * A small SMTP client for what the stack itself sends (Auth's mails): to a real server configured in
 * config.toml, or to the stack's own catcher, which takes mail without authentication or TLS.
 */
import nodemailer, { type Transporter } from 'nodemailer';

export interface SmtpTarget {
  host: string;
  port: number;
  user?: string;
  pass?: string;
  /** The catcher speaks neither TLS nor AUTH; a real server gets STARTTLS when it offers it. */
  local?: boolean;
}

export interface OutgoingMail {
  from: { name: string; address: string };
  to: string;
  subject: string;
  html: string;
  headers?: Record<string, string>;
}

export interface SmtpSender {
  /** Resolves with the Message-ID once the server has accepted the message. */
  send(mail: OutgoingMail): Promise<string>;
  close(): void;
}

/** CR or LF in a header would start a header of the sender's choosing. */
const HEADER_BREAK = /[\r\n]/;

export function createSmtpSender(target: SmtpTarget): SmtpSender {
  const transport: Transporter = nodemailer.createTransport({
    host: target.host,
    port: target.port,
    // 465 is implicit TLS (SMTPS); other ports start in plain text and upgrade with STARTTLS.
    secure: target.port === 465,
    ignoreTLS: target.local === true,
    auth: target.user ? { user: target.user, pass: target.pass ?? '' } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  return {
    async send(mail) {
      for (const value of [mail.from.name, mail.from.address, mail.to, mail.subject, ...Object.entries(mail.headers ?? {}).flat()]) {
        if (HEADER_BREAK.test(value)) throw new Error('a mail header must not contain a line break');
      }
      const info = await transport.sendMail({
        from: { name: mail.from.name, address: mail.from.address },
        to: mail.to,
        subject: mail.subject,
        html: mail.html,
        headers: mail.headers,
      });
      return String(info.messageId ?? '');
    },
    close() {
      transport.close();
    },
  };
}
