/**
 * What inbound-email needs from a Mailgun forward-route POST, as plain data, and the rules that decide
 * whether it is answered at all. Plain TypeScript, so the Node tests share it.
 */
import { senderAddress, stripReply } from './reply.ts';

export interface InboundMail {
  recipient: string;
  /** The From header's address, lower-cased (the envelope sender when there is no From). */
  from: string | null;
  subject: string;
  /** The person's own text: quoted history and signature removed. */
  text: string;
  messageId: string;
  /** An auto-reply, bounce or list mail: never answered, or two robots could mail each other forever. */
  automatic: boolean;
}

/** Mailgun's `message-headers` field: a JSON list of [name, value] pairs. */
function headerList(raw: string | null): Array<[string, string]> {
  if (!raw) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed)
      ? parsed.filter((h): h is [string, string] => Array.isArray(h) && typeof h[0] === 'string' && typeof h[1] === 'string')
      : [];
  } catch {
    return [];
  }
}

/** RFC 3834 and the de-facto markers of automatic mail. */
function isAutomatic(headers: Array<[string, string]>, from: string | null): boolean {
  const get = (name: string) => headers.find(([h]) => h.toLowerCase() === name)?.[1]?.trim().toLowerCase();
  const autoSubmitted = get('auto-submitted');
  if (autoSubmitted && autoSubmitted !== 'no') return true;
  if (/^(bulk|junk|list|auto_reply)$/.test(get('precedence') ?? '')) return true;
  if (get('x-autoreply') || get('x-autorespond') || get('list-id')) return true;
  const local = from?.split('@')[0] ?? '';
  return /^(mailer-daemon|postmaster|no-?reply|do-?not-?reply)$/i.test(local);
}

/**
 * Reads the fields this project uses. `Message-Id` comes from its own field, else the headers; without
 * either, a digest of sender, subject and text stands in, so a redelivery is still recognised.
 */
export async function readInbound(form: { get(name: string): unknown }): Promise<InboundMail> {
  const field = (name: string) => {
    const value = form.get(name);
    return typeof value === 'string' ? value : '';
  };
  const headers = headerList(field('message-headers'));
  const from = senderAddress(field('from')) ?? senderAddress(field('sender'));
  const subject = field('subject');
  const text = stripReply(field('body-plain'));
  let messageId = (field('Message-Id') || field('message-id') || headers.find(([h]) => h.toLowerCase() === 'message-id')?.[1] || '').trim();
  if (!messageId) {
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${from}\n${subject}\n${field('body-plain')}`));
    messageId = `<sha256-${Array.from(new Uint8Array(digest).slice(0, 16), (b) => b.toString(16).padStart(2, '0')).join('')}@inbound>`;
  }
  return {
    recipient: field('recipient'),
    from,
    subject,
    text,
    messageId: messageId.slice(0, 500),
    automatic: isAutomatic(headers, from),
  };
}
