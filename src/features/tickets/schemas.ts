import * as z from 'zod/mini';
import { TICKET_STATUSES } from '../../lib/ticket-status';

/** The list's filters, from the URL so a view can be bookmarked. */
export const ticketFiltersSchema = z.object({
  status: z.catch(z.enum(['all', 'open', 'closed', ...TICKET_STATUSES] as [string, ...string[]]), 'all'),
  q: z.catch(z.string().check(z.maxLength(200)), ''),
});
export type TicketFilters = { status: string; q: string };

export function parseTicketFilters(search: URLSearchParams): TicketFilters {
  return ticketFiltersSchema.parse({ status: search.get('status') ?? undefined, q: search.get('q') ?? '' });
}

const text = (label: string, min: number, max: number) =>
  z.string().check(
    z.refine((value) => value.trim().length >= min, `${label} needs at least ${min} character${min === 1 ? '' : 's'}.`),
    z.maxLength(max, `${label} can be at most ${max} characters.`),
  );

/** The new-ticket form and the `create_ticket` arguments. */
export const newTicketSchema = z
  .object({
    subject: text('The subject', 3, 200),
    body: text('The description', 1, 20000),
    consent: z.enum(['pre_approved', 'cost_first'], { error: 'Choose how you agree to the price.' }),
    upgrade_from: z.optional(z.string()),
    upgrade_to: z.optional(z.string()),
    /** Only with pre-approval: the most credits taken without asking first (empty = the default). */
    pre_approval_ceiling: z.optional(z.string()),
  })
  .check(
    z.refine(
      (value) =>
        value.consent !== 'pre_approved' ||
        !value.pre_approval_ceiling?.trim() ||
        (/^\d+$/.test(value.pre_approval_ceiling.trim()) && Number(value.pre_approval_ceiling) >= 1 && Number(value.pre_approval_ceiling) <= 100000),
      { message: 'Enter a whole number of credits between 1 and 100000.', path: ['pre_approval_ceiling'] },
    ),
    z.refine((value) => !value.upgrade_from === !value.upgrade_to, {
      message: 'For an upgrade choose both versions (or neither).',
      path: ['upgrade_to'],
    }),
  );
export type NewTicketInput = z.output<typeof newTicketSchema>;

export const messageSchema = z.object({ body: text('The message', 1, 20000) });
