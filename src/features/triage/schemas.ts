import * as z from 'zod/mini';
import type { Database } from '../../lib/database.types';
import { TICKET_STATUSES } from '../../lib/ticket-status';

export type TicketRow = Database['public']['Tables']['tickets']['Row'];

/** The queue's filters, read from the URL so a view can be bookmarked and shared. */
export const queueFiltersSchema = z.object({
  status: z.catch(z.enum(['open', 'all', ...TICKET_STATUSES]), 'open'),
  category: z.catch(z.string().check(z.maxLength(40)), ''),
  assignee: z.catch(z.string().check(z.maxLength(40)), ''),
  q: z.catch(z.string().check(z.maxLength(200)), ''),
});
export type QueueFilters = z.output<typeof queueFiltersSchema>;

export function parseQueueFilters(search: URLSearchParams): QueueFilters {
  return queueFiltersSchema.parse({
    status: search.get('status') ?? undefined,
    category: search.get('category') ?? '',
    assignee: search.get('assignee') ?? '',
    q: search.get('q') ?? '',
  });
}

const text = (label: string, min: number, max: number) =>
  z
    .string()
    .check(
      z.refine((v) => v.trim().length >= min, `${label} needs at least ${min} character${min === 1 ? '' : 's'}.`),
      z.maxLength(max, `${label} can be at most ${max} characters.`),
    );

const credits = z.coerce
  .number()
  .check(z.int('Enter whole credits.'), z.gte(1, 'Enter at least 1 credit.'), z.lte(100000, 'At most 100000 credits.'));

export const messageSchema = z.object({ body: text('The message', 1, 20000) });
export const reasonSchema = text('The reason', 3, 2000);
export const noteSchema = z.optional(z.string().check(z.maxLength(2000, 'The note can be at most 2000 characters.')));
export const creditsSchema = credits;
export const splitSchema = z.object({ subject: text('The subject', 3, 200), body: text('The description', 1, 20000) });

const figures = {
  category: z.string(),
  price: z.number(),
  charged: z.number(),
  /** price − charged; negative for a refund. */
  due: z.number(),
  /** Charged now or awaited (the due), the price quoted, or the refund. */
  credits: z.number(),
  /** The pre-approval ceiling that applied; null for a cost-first ticket. */
  ceiling: z.nullable(z.number()),
  over_ceiling: z.boolean(),
  balance: z.number(),
};

/** What assessing or re-categorizing at a category will do, as `preview_quote` decides it (app.quote_outcome). */
export const quoteOutcomeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('charge'), ...figures, balance_after: z.number() }),
  z.object({ kind: z.literal('awaiting_credits'), ...figures, missing: z.number() }),
  z.object({ kind: z.enum(['quote', 'refund', 'no_change']), ...figures }),
]);
export type QuoteOutcome = z.output<typeof quoteOutcomeSchema>;
