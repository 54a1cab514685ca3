import { describe, expect, it } from 'vitest';
import { categoryLabel } from './category-label';
import { describeTicketEvent, TICKET_EVENT_KINDS, type TicketEventData } from './ticket-events';

/** One event of every kind, with `data` exactly as the SQL functions write it (jsonb_build_object keys). */
const written: { [K in keyof TicketEventData]: TicketEventData[K][] } = {
  created: [
    { pre_approved: false, upgrade_from: null, upgrade_to: null },
    { pre_approved: true, upgrade_from: '4.3.1', upgrade_to: '4.3.9' },
    { pre_approved: true, split_from_id: '0c28ccbb-ce5e-408f-9147-fc4239e09558', split_from_number: 1007 },
  ],
  assessed: [{ category: 'code_modification', level: 3, credits: 30, note: null }],
  reassessed: [{ from_category: 'upgrade', to_category: 'configuration', from_credits: 50, to_credits: 10, reason: 'Only a setting was wrong.' }],
  quote_confirmed: [{ category: 'investigation', credits: 20 }],
  quote_declined: [{ category: 'investigation', credits: 20, kept: 0, reason: null }],
  charged: [{ credits: 1, charged_credits: 1, transfer_id: 'b6e35cc9-4aa2-4157-95c7-10a388d1fdc5', automatic: true }],
  awaiting_credits: [{ credits: 10, balance: 0, missing: 10 }],
  refunded: [{ credits: 40, charged_credits: 10, reason: 'The ticket now costs 10 credits.', transfer_id: 'efa05da3-f8fb-41d6-bbad-8e0036a5172f' }],
  split: [{ child_id: 'a089a3e2-cb92-4e72-90f6-47ed83cd69de', child_number: 1008, subject: 'A second question' }],
  resolved: [{ from_status: 'in_progress', charged_credits: 9 }],
  canceled: [{}],
  assigned: [
    { assignee_id: 'a089a3e2-cb92-4e72-90f6-47ed83cd69de', assignee_name: 'Sam Engineer' },
    { assignee_id: null, assignee_name: '' },
  ],
};

const options = (audience: 'customer' | 'staff') => ({ categoryName: (code: string) => categoryLabel(code), audience });
const cases = TICKET_EVENT_KINDS.flatMap((kind) => written[kind].map((data) => [kind, data] as const));

describe('ticket event vocabulary', () => {
  it('has a written example of every kind', () => {
    expect(Object.keys(written).sort()).toEqual([...TICKET_EVENT_KINDS].sort());
  });

  it.each(cases)('%s reads as a sentence with its facts on both timelines', (kind, data) => {
    for (const audience of ['customer', 'staff'] as const) {
      const text = describeTicketEvent(kind, data, options(audience));
      expect(text, `${audience}: ${text}`).not.toMatch(/\?|undefined|null|NaN|\[object|\.\.$|_/);
      expect(text, `${audience}: ${text}`).toMatch(/[.!?]$/);
    }
  });

  it('a re-categorization names the new category and price the SQL writes (to_category, to_credits)', () => {
    const data = written.reassessed[0];
    expect(describeTicketEvent('reassessed', data, options('customer'))).toBe(
      'Re-categorized as Configuration: 10 credits — Only a setting was wrong.',
    );
    expect(describeTicketEvent('reassessed', data, options('staff'))).toBe(
      'Re-categorized from Upgrade (50 credits) as Configuration: 10 credits — Only a setting was wrong.',
    );
  });

  it('names categories, never codes, and counts one credit in the singular', () => {
    expect(describeTicketEvent('assessed', written.assessed[0], options('staff'))).toBe('Assessed as Code modification: 30 credits.');
    expect(describeTicketEvent('charged', written.charged[0], options('customer'))).toBe('1 credit charged automatically when credits arrived.');
  });

  it('an unknown kind still reads as words', () => {
    expect(describeTicketEvent('escalated_to_vendor', {}, options('staff'))).toBe('Ticket updated (escalated to vendor).');
  });
});
