import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { quoteOutcomeSchema } from '../schemas';
import { PricingActions } from './pricing-actions';

const charge = quoteOutcomeSchema.parse({
  kind: 'charge',
  category: 'configuration',
  price: 10,
  charged: 0,
  due: 10,
  credits: 10,
  ceiling: 20,
  over_ceiling: false,
  balance: 100,
  balance_after: 90,
  missing: null,
});

/** The two buttons' opening tags and texts. */
const buttons = (html: string) => [...html.matchAll(/<button([^>]*)>(.*?)<\/button>/g)].map((match) => ({ attrs: match[1] ?? '', text: match[2] ?? '' }));

describe('a pricing dialog footer', () => {
  it('cannot commit before the database has previewed the choice', () => {
    const [cancel, commit] = buttons(renderToStaticMarkup(<PricingActions verb="Assess" outcome={null} sending={false} onCancel={() => undefined} />));
    expect(cancel?.attrs).not.toMatch(/\sdisabled=""/);
    expect(commit?.attrs).toMatch(/\sdisabled=""/);
    expect(commit?.text).toContain('Assess');
  });

  it('says what committing will do once previewed', () => {
    const [, commit] = buttons(renderToStaticMarkup(<PricingActions verb="Re-categorize" outcome={charge} sending={false} onCancel={() => undefined} />));
    expect(commit?.attrs).not.toMatch(/\sdisabled=""/);
    expect(commit?.text).toContain('Re-categorize and charge 10 credits');
  });

  it('keeps Cancel off while the charge is on its way', () => {
    const [cancel] = buttons(renderToStaticMarkup(<PricingActions verb="Assess" outcome={charge} sending onCancel={() => undefined} />));
    expect(cancel?.attrs).toMatch(/\sdisabled=""/);
  });
});
