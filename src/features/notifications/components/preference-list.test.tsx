import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { NotificationPreference } from '../api/get-preferences';
import { PreferenceList } from './preference-list';

const render = (preferences: NotificationPreference[]) =>
  renderToStaticMarkup(
    <QueryClientProvider client={new QueryClient()}>
      <PreferenceList userId="user-1" preferences={preferences} />
    </QueryClientProvider>,
  );

const quoteReady: NotificationPreference = {
  kind: 'quote_ready',
  label: 'Quote ready',
  description: 'An engineer priced your ticket.',
  optional: true,
  delivery: 'daily',
};
const receipt: NotificationPreference = {
  kind: 'credits_added',
  label: 'Credits purchased',
  description: 'Your receipt.',
  optional: false,
  delivery: 'immediately',
};

/** The part of the markup that belongs to one kind's row. */
const row = (html: string, kind: string) => html.split('<li').find((part) => part.includes(`data-kind="${kind}"`)) ?? '';

describe('the e-mail preferences list', () => {
  it('offers the three choices for an optional kind, with the current one checked and the fieldset named', () => {
    const html = row(render([quoteReady]), 'quote_ready');
    const radios = [...html.matchAll(/<input[^>]*type="radio"[^>]*>/g)].map((match) => match[0]);
    expect(radios.map((radio) => /value="([^"]+)"/.exec(radio)?.[1])).toEqual(['immediately', 'daily', 'never']);
    expect(radios.filter((radio) => radio.includes('checked'))).toHaveLength(1);
    expect(radios.find((radio) => radio.includes('checked'))).toContain('value="daily"');
    expect(html).toMatch(/<fieldset[^>]*><legend[^>]*>Quote ready<\/legend>/);
    expect(html).toContain('Immediately');
    expect(html).toContain('Daily digest');
    expect(html).toContain('Never');
  });

  it('shows a kind that cannot be turned off as always sent, with the reason and nothing to change', () => {
    const html = row(render([quoteReady, receipt]), 'credits_added');
    expect(html).toContain('Credits purchased');
    expect(html).toContain('Always sent');
    expect(html).toContain('Receipts and security notices are always sent.');
    expect(html).not.toContain('<input');
  });

  it('says so when there is nothing to choose', () => {
    const html = render([]);
    expect(html).toContain('No e-mails to choose');
    expect(html).not.toContain('<input');
  });
});
