import { readFileSync } from 'node:fs';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { StatusBadge } from '../components/ui/status-badge';
import { Constants } from './database.types';
import { categoryLabel, describeTicketEvent, statusLabel, type EventAudience, type TicketEventKind } from './labels';
import { TICKET_EVENT_FIELDS, type FieldTag } from './ticket-events';
import { TICKET_STATUSES } from './ticket-status';

const audiences: EventAudience[] = ['customer', 'staff'];

/** Words for a screen: not empty, not the code itself, no identifier residue. */
function expectWords(label: string, code: string) {
  expect(label.trim(), `label of ${code}`).not.toBe('');
  expect(label, `label of ${code}`).not.toBe(code);
  expect(label, `label of ${code}`).not.toMatch(/_|undefined|null|NaN|\[object/);
}

/** The category codes the seed's price list creates (categories are rows, not an enum). */
function seededCategories(): { code: string; name: string }[] {
  const seed = readFileSync(new URL('../../supabase/seed.sql', import.meta.url), 'utf8');
  const insert = /insert into public\.ticket_categories[\s\S]*?\);\n/.exec(seed)?.[0] ?? '';
  return [...insert.matchAll(/\(\s*'([a-z_]+)',\s*\d+,\s*'([^']+)'/g)].map((match) => ({ code: match[1] ?? '', name: match[2] ?? '' }));
}

/** A value of each field's type, so every kind can be put into words without a hand-written example. */
function sampleData(kind: TicketEventKind, withOptional: boolean): Record<string, unknown> {
  const value = (tag: FieldTag) => (tag.endsWith('|null') && !withOptional ? null : tag.startsWith('number') ? 2 : tag.startsWith('boolean') ? true : 'Sample');
  return Object.fromEntries(
    Object.entries(TICKET_EVENT_FIELDS[kind] as Record<string, string>)
      .filter(([, tag]) => withOptional || !tag.endsWith('?'))
      .map(([key, tag]) => [key, value(tag.replace('?', '') as FieldTag)]),
  );
}

describe('labels: every value of the vocabulary reads as words', () => {
  it.each(TICKET_STATUSES)('ticket status %s has words for customers and staff, on its badge too', (status) => {
    for (const audience of audiences) {
      const label = statusLabel(status, audience);
      expectWords(label, status);
      const badge = renderToStaticMarkup(createElement(StatusBadge, { status, audience }));
      expect(badge, `${audience} badge of ${status}`).toContain(`>${label}</span>`);
    }
  });

  it('covers every status of the SQL enum', () => {
    expect(TICKET_STATUSES).toEqual(['new', 'awaiting_confirmation', 'awaiting_credits', 'in_progress', 'resolved', 'declined', 'canceled']);
  });

  const categories = seededCategories();

  it('finds the seeded price list', () => {
    expect(categories.map((category) => category.code)).toEqual(['question', 'configuration', 'code_modification', 'investigation', 'upgrade']);
  });

  it.each(categories)('category $code reads as its catalogue name, and as words without the catalogue', ({ code, name }) => {
    expect(categoryLabel(code, categories)).toBe(name);
    expectWords(categoryLabel(code), code);
  });

  it.each(Constants.public.Enums.ticket_event_kind)('event kind %s of the SQL enum reads as a sentence on both timelines', (kind) => {
    for (const withOptional of [false, true]) {
      for (const audience of audiences) {
        const text = describeTicketEvent(kind, sampleData(kind, withOptional), { audience, categoryName: (code) => categoryLabel(code, categories) });
        expectWords(text, kind);
        expect(text, `${audience}: ${text}`).not.toMatch(/^Ticket updated \(/);
        expect(text, `${audience}: ${text}`).toMatch(/[.!?]$/);
      }
    }
  });
});
