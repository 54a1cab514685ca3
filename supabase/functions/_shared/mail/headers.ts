/**
 * The headers a notification carries besides From/To/Subject. Plain TypeScript (Web Crypto only), so
 * the Node tests check the same code the functions run.
 */
import { headerValue } from './address.ts';
import type { OutboxMessage } from './message.ts';
import type { MailSettings } from './settings.ts';

/**
 * `<hash@domain>` from the outbox row's dedupe key: a retry of the same message carries the same
 * Message-ID, so a receiving server or client that did get the first attempt can drop the second.
 */
export async function messageIdFor(dedupeKey: string, domain: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(dedupeKey)));
  const hex = Array.from(digest.slice(0, 16), (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `<${hex}@${domain}>`;
}

export interface NotificationHeaders {
  messageId: string;
  replyTo?: string;
  /** Extra headers, every value one line. */
  headers: Record<string, string>;
}

/**
 * Message-ID, Reply-To (the ticket's reply address, when the message has a reply token and an inbound
 * domain is configured), Auto-Submitted (RFC 3834: vacation responders must not answer, which would
 * come back to inbound-email as a "reply"), and for optional kinds List-Unsubscribe with its RFC 8058
 * one-click POST: the HTTPS URL the mail client POSTs to, and a mailto that inbound-email understands.
 */
export async function notificationHeaders(message: OutboxMessage, settings: MailSettings): Promise<NotificationHeaders> {
  const headers: Record<string, string> = {
    'Auto-Submitted': 'auto-generated',
    'X-Auto-Response-Suppress': 'All',
    'X-Pro-Portal-Kind': message.kind,
  };
  if (message.optional && message.unsubscribe_token) {
    const url = new URL(`${settings.functionsUrl}/unsubscribe`);
    url.searchParams.set('token', message.unsubscribe_token);
    url.searchParams.set('kind', message.kind);
    const targets = [`<${url.toString()}>`];
    if (settings.inboundDomain) targets.push(`<mailto:unsubscribe+${message.kind}.${message.unsubscribe_token}@${settings.inboundDomain}>`);
    headers['List-Unsubscribe'] = targets.join(', ');
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  }
  for (const [name, value] of Object.entries(headers)) headerValue(name, value);
  return {
    messageId: await messageIdFor(message.dedupe_key, settings.messageIdDomain),
    replyTo: message.reply_token && settings.inboundDomain
      ? headerValue('Reply-To', `reply+${message.reply_token}@${settings.inboundDomain}`)
      : undefined,
    headers,
  };
}
