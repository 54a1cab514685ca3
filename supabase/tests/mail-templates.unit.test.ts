/**
 * Every mail kind rendered by the real templates (React Email, in Deno) for fixed data: a snapshot of
 * the HTML and the text part, and the rules real mail clients impose, checked on each one.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { MAIL_KINDS } from '../functions/_shared/mail/message.ts';
import { SAMPLE_SITE_URL, SAMPLES } from '../functions/_shared/mail/samples.ts';
import { denoCheck, denoJson } from './mail-deno.ts';

interface Rendered {
  name: string;
  kind: keyof typeof MAIL_KINDS;
  subject: string;
  html: string;
  text: string;
  headers: { messageId: string; replyTo?: string; headers: Record<string, string> };
}

let rendered: Rendered[] = [];

beforeAll(async () => {
  rendered = await denoJson<Rendered[]>('_shared/mail/render-samples.ts');
}, 120_000);

const byName = (name: string) => {
  const mail = rendered.find((r) => r.name === name);
  if (!mail) throw new Error(`no sample ${name}`);
  return mail;
};

interface Tag {
  name: string;
  attrs: Record<string, string>;
  parents: Tag[];
}

const VOID = new Set(['meta', 'br', 'hr', 'img', 'input', 'link', 'col', 'area', 'base', 'source', 'wbr']);

/** A small tag walker for React's well-formed output: every start tag with its attributes and ancestors. */
function tags(html: string): Tag[] {
  const out: Tag[] = [];
  const open: Tag[] = [];
  const body = html.replace(/<!--[\s\S]*?-->/g, '').replace(/<!DOCTYPE[^>]*>/i, '');
  for (const match of body.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s=>/]+(?:="[^"]*")?)*)\s*(\/?)>/g)) {
    const [, closing, rawName = '', rawAttrs = '', selfClosing] = match;
    const name = rawName.toLowerCase();
    if (closing) {
      const at = open.map((t) => t.name).lastIndexOf(name);
      if (at >= 0) open.length = at;
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const [, key = '', value = ''] of rawAttrs.matchAll(/([^\s=>/]+)(?:="([^"]*)")?/g)) attrs[key.toLowerCase()] = value;
    const tag = { name, attrs, parents: [...open] };
    out.push(tag);
    if (!selfClosing && !VOID.has(name)) open.push(tag);
  }
  return out;
}

const decode = (value: string) => value.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');

/**
 * What a real mail client would not show as intended: anything fetched from elsewhere (images,
 * stylesheets, fonts), scripts and event handlers, classes or <style> (Gmail and Outlook keep inline
 * styles only), a text colour with no background colour of ours behind it (dark mode), no color-scheme,
 * and links that are relative or lead anywhere but the app.
 */
function clientRuleViolations(html: string): string[] {
  const found: string[] = [];
  const all = tags(html);
  if (!all.some((t) => t.name === 'meta' && t.attrs.name === 'color-scheme' && /light dark/.test(t.attrs.content ?? ''))) {
    found.push('no <meta name="color-scheme" content="light dark">');
  }
  for (const tag of all) {
    const style = decode(tag.attrs.style ?? '');
    if (['script', 'link', 'style', 'iframe', 'object', 'embed', 'form', 'base'].includes(tag.name)) found.push(`<${tag.name}>`);
    if (tag.name === 'img' && /^(https?:)?\/\//i.test(tag.attrs.src ?? '')) found.push(`external image ${tag.attrs.src}`);
    if ('class' in tag.attrs || 'classname' in tag.attrs) found.push(`<${tag.name} class>: not inline`);
    for (const attr of Object.keys(tag.attrs)) if (attr.startsWith('on')) found.push(`<${tag.name} ${attr}>`);
    if (/url\(|@import|expression\(/i.test(style)) found.push(`<${tag.name}> loads CSS: ${style}`);
    if (/(^|;)\s*color:/.test(style)) {
      const onOurBackground = [tag, ...tag.parents].some((t) => /background-color:/.test(decode(t.attrs.style ?? '')));
      if (!onOurBackground) found.push(`<${tag.name} style="${style}">: text colour without a background of ours`);
    }
    if (tag.attrs.href !== undefined && !decode(tag.attrs.href).startsWith(`${SAMPLE_SITE_URL}/`)) found.push(`link outside the app: ${tag.attrs.href}`);
  }
  return found;
}

describe('the mail client rules check', () => {
  test('finds each kind of violation', () => {
    const bad =
      '<html><head><link rel="stylesheet" href="https://cdn.example/x.css"/><style>p{}</style></head>' +
      '<body><img src="https://tracker.example/p.gif"/><p class="x" style="color:#fff">hi</p>' +
      '<div style="background-image:url(https://x.example/bg.png)" onclick="x()"></div><a href="/portal">rel</a><script>1</script></body></html>';
    const found = clientRuleViolations(bad);
    for (const expected of ['color-scheme', '<link>', '<style>', '<script>', 'external image', 'class', 'onclick', 'loads CSS', 'without a background', 'outside the app: /portal']) {
      expect(found.join('\n')).toContain(expected);
    }
  });
});

describe('mail templates', () => {
  test('there is a sample of every kind', () => {
    expect(new Set(rendered.map((r) => r.kind))).toEqual(new Set(Object.keys(MAIL_KINDS)));
    expect(rendered).toHaveLength(SAMPLES.length);
  });

  test.each(SAMPLES.map((s) => s.name))('snapshot: %s', (name) => {
    const mail = byName(name);
    // One tag per line, so a change to a template shows as a readable diff.
    expect({ subject: mail.subject, headers: mail.headers, text: mail.text, html: mail.html.replace(/></g, '>\n<').split('\n') }).toMatchSnapshot();
  });

  describe.each(SAMPLES.map((s) => s.name))('mail client rules: %s', (name) => {
    test('no external resources, scripts, stylesheets or classes; every style inline; dark-mode safe; links to the app', () => {
      expect(clientRuleViolations(byName(name).html)).toEqual([]);
    });

    test('user text is escaped, the subject is one line, and there is a text part', () => {
      const mail = byName(name);
      expect(mail.html).not.toMatch(/<script|<img|<a href="https:\/\/evil/i);
      expect(mail.subject).not.toMatch(/[\r\n]/);
      expect(mail.subject.length).toBeGreaterThan(0);
      expect(mail.text.trim().length).toBeGreaterThan(50);
      expect(mail.text, 'the text part has no markup of ours').not.toMatch(/style="/);
    });

    test('footer: preferences link, and unsubscribe for optional kinds or why it is always sent', () => {
      const mail = byName(name);
      const sample = SAMPLES.find((s) => s.name === name)!.message;
      expect(mail.html).toContain(`${SAMPLE_SITE_URL}/portal/settings/notifications`);
      expect(mail.text).toContain(`${SAMPLE_SITE_URL}/portal/settings/notifications`);
      if (sample.optional) {
        expect(mail.text).toContain(`${SAMPLE_SITE_URL}/unsubscribe?token=${sample.unsubscribe_token}&kind=${sample.kind}`);
        expect(mail.headers.headers['List-Unsubscribe']).toContain(`/functions/v1/unsubscribe?token=${sample.unsubscribe_token}&kind=${sample.kind}`);
        expect(mail.headers.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
      } else {
        expect(mail.text).toMatch(/always sent/);
        expect(mail.html).toMatch(/always sent/);
        expect(mail.text).not.toContain('/unsubscribe');
        expect(mail.headers.headers).not.toHaveProperty('List-Unsubscribe');
      }
      expect(mail.headers.headers['Auto-Submitted']).toBe('auto-generated');
    });
  });

  test('quote_ready: Confirm and Decline open the ticket page, which asks before charging', () => {
    const mail = byName('quote_ready');
    expect(mail.html).toContain(`href="${SAMPLE_SITE_URL}/portal/tickets/12?quote=confirm"`);
    expect(mail.html).toContain(`href="${SAMPLE_SITE_URL}/portal/tickets/12?quote=decline"`);
    expect(mail.text).toContain(`Confirm: ${SAMPLE_SITE_URL}/portal/tickets/12?quote=confirm`);
    expect(mail.text).toMatch(/asks you once more before anything is charged/);
  });

  test('recategorized says the refund, or the extra charge', () => {
    expect(byName('recategorized_refund').text).toMatch(/Refunded:\s+2 credits/);
    expect(byName('recategorized_refund').text).toMatch(/Price:\s+3 credits → 1 credit/);
    expect(byName('recategorized_refund').text).toMatch(/2 credits were refunded to your balance/);
    expect(byName('recategorized_refund').subject).toBe('Ticket #12: re-categorized, 2 credits refunded');
    expect(byName('recategorized_extra').text).toMatch(/Extra charge:\s+2 credits/);
    expect(byName('recategorized_extra').subject).toBe('Ticket #12 is now Hardware: 2 credits charged');
  });

  test('credits_added carries the receipt lines', () => {
    const { text, html } = byName('credits_added');
    expect(text).toMatch(/Credits:\s+10 credits/);
    expect(text).toMatch(/Amount paid:\s+€49\.00/);
    expect(text).toMatch(/New balance:\s+14 credits/);
    expect(text).toMatch(/Date:\s+2026-12-04 10:15 UTC/);
    expect(text).toMatch(/Package:\s+10 credits <best value>/);
    expect(html).toContain('10 credits &lt;best value&gt;');
    expect(html).toContain(`${SAMPLE_SITE_URL}/portal/credits/receipts/b5f6c1de-0000-4000-8000-000000000001`);
  });

  test('staff mail links to the staff view of the ticket', () => {
    for (const name of ['new_ticket', 'customer_replied', 'quote_confirmed', 'quote_declined']) {
      expect(byName(name).html).toContain(`${SAMPLE_SITE_URL}/staff/tickets/12`);
      expect(byName(name).html).not.toContain('/portal/tickets/12');
    }
  });

  test('Reply-To carries the ticket reply address only when there is a ticket', () => {
    expect(byName('answered').headers.replyTo).toBe('reply+rt_0123456789abcdefghij@reply.example.com');
    expect(byName('answered').text).toMatch(/Reply to this e-mail to add a message to ticket #12/);
    expect(byName('credits_added').headers.replyTo).toBeUndefined();
  });

  test('the Message-ID is derived from the dedupe key, the same on every attempt', () => {
    expect(byName('answered').headers.messageId).toMatch(/^<[0-9a-f]{32}@example\.com>$/);
    expect(byName('answered').headers.messageId).toBe(byName('answered_with_words').headers.messageId);
    expect(byName('charged').headers.messageId).not.toBe(byName('answered').headers.messageId);
  });
});

test('the mail functions type-check under Deno (tsc leaves supabase/functions to it)', async () => {
  expect(await denoCheck(['send-mail/index.ts', 'unsubscribe/index.ts', 'inbound-email/index.ts', '_shared/mail/render-samples.ts'])).toBe('');
}, 120_000);
