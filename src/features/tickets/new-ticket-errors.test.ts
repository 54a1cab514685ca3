import { describe, expect, it } from 'vitest';
import { unresolvedErrors } from '../../lib/form';
import { newTicketSchema } from './schemas';

const filled = { subject: 'Export fails', body: 'Since this morning.', consent: 'pre_approved' };

describe('new-ticket form errors after an edit', () => {
  it('the upgrade-version error goes once both versions are chosen', () => {
    const submitted = newTicketSchema.safeParse({ ...filled, upgrade_from: '4.3.1', upgrade_to: '' });
    expect(submitted.success).toBe(false);
    const shown = { upgrade_to: 'For an upgrade choose both versions (or neither).' };
    expect(unresolvedErrors(newTicketSchema, { ...filled, upgrade_from: '4.3.1', upgrade_to: '4.3.9' }, shown)).toEqual({});
    expect(unresolvedErrors(newTicketSchema, { ...filled, upgrade_from: '', upgrade_to: '' }, shown), 'or neither').toEqual({});
  });

  it('keeps an error whose field is still wrong, and returns the same object when nothing changed', () => {
    const shown = { upgrade_to: 'For an upgrade choose both versions (or neither).', subject: 'The subject needs at least 3 characters.' };
    const after = unresolvedErrors(newTicketSchema, { ...filled, subject: 'Ex', upgrade_from: '4.3.1', upgrade_to: '4.3.9' }, shown);
    expect(after).toEqual({ subject: 'The subject needs at least 3 characters.' });
    const unchanged = unresolvedErrors(newTicketSchema, { ...filled, subject: 'Ex', upgrade_from: '4.3.1', upgrade_to: '' }, shown);
    expect(unchanged).toBe(shown);
  });

  it('does not add errors for fields that showed none', () => {
    expect(unresolvedErrors(newTicketSchema, { subject: '', body: '', upgrade_from: '4.3.1' }, { body: 'x' })).toEqual({
      body: 'The description needs at least 1 character.',
    });
  });
});
