import { describe, expect, it } from 'vitest';
import { NOTICE_KINDS, noticeLink, noticePresentation } from './kinds';

describe('where a notice leads', () => {
  it("sends staff to the queue's ticket page for the queue's kinds", () => {
    for (const kind of ['new_ticket', 'customer_replied', 'quote_confirmed', 'quote_declined']) {
      expect(noticeLink(kind, 42)?.href, kind).toBe('/staff/tickets/42');
    }
  });

  it("sends customers to their own ticket page, a quote's notice saying it is a quote to review", () => {
    for (const kind of ['charged', 'answered', 'resolved', 'recategorized', 'split', 'refunded']) {
      expect(noticeLink(kind, 7)?.href, kind).toBe('/portal/tickets/7');
    }
    expect(noticeLink('quote_ready', 7)).toEqual({ href: '/portal/tickets/7', label: 'Review the quote on ticket #7' });
  });

  it('leads credit notices to the credits page, and the admin payment notice to the payment problems', () => {
    expect(noticeLink('credits_added', null)?.href).toBe('/portal/credits');
    expect(noticeLink('low_balance', null)?.href).toBe('/portal/credits');
    expect(noticeLink('credits_needed', null)?.href).toBe('/portal/credits');
    expect(noticeLink('credits_needed', 3)?.href).toBe('/portal/tickets/3');
    expect(noticeLink('payment_review', null)?.href).toBe('/admin#payments-title');
  });

  it('offers no link for a ticket notice whose ticket is gone', () => {
    expect(noticeLink('answered', null)).toBeNull();
    expect(noticeLink('new_ticket', undefined)).toBeNull();
  });

  it('gives every kind an icon, and an unknown kind a plain bell rather than nothing', () => {
    for (const kind of Object.keys(NOTICE_KINDS)) expect(noticePresentation(kind).icon, kind).not.toBe('');
    expect(noticePresentation('something_new')).toEqual({ icon: '🔔', target: 'ticket' });
  });
});

describe('the notice kinds', () => {
  it('are exactly those public.notifications allows, so a kind added in SQL gets an icon and a link here', async () => {
    const { readFileSync } = await import('node:fs');
    const table = readFileSync(new URL('../../../supabase/schemas/notifications/tables/public.notifications.sql', import.meta.url), 'utf8');
    const check = /notifications_kind_check CHECK \(kind = ANY \(ARRAY\[([^\]]*)\]/.exec(table)?.[1] ?? '';
    const allowed = [...check.matchAll(/'([a-z_]+)'::text/g)].map((match) => match[1]);
    expect(allowed.length, 'the check constraint was read').toBeGreaterThan(10);
    expect(Object.keys(NOTICE_KINDS).sort()).toEqual(allowed.sort());
  });
});
