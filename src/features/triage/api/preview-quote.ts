import { queryOptions, useQuery } from '@tanstack/react-query';
import { supabase } from '../../../lib/supabase';
import { quoteOutcomeSchema, type QuoteOutcome } from '../schemas';
import { triageKeys } from './keys';

/** The arguments assess_ticket / reassess_ticket will be sent; the preview is asked with the same ones. */
export type QuoteInput = {
  ticketId: string;
  category: string;
  credits: number | null;
  versions: { from: string; to: string } | null;
};

/** The priced choice as preview_quote, assess_ticket and reassess_ticket all take it: one shape, so a commit sends what was previewed. */
export function quoteArgs(input: QuoteInput) {
  return {
    p_ticket_id: input.ticketId,
    p_category: input.category,
    ...(input.credits !== null && { p_credits: input.credits }),
    ...(input.versions && { p_upgrade_from: input.versions.from, p_upgrade_to: input.versions.to }),
  };
}

export async function previewQuote(input: QuoteInput, signal: AbortSignal): Promise<QuoteOutcome> {
  const { data } = await supabase
    .rpc('preview_quote', quoteArgs(input))
    .abortSignal(signal)
    .throwOnError();
  return quoteOutcomeSchema.parse(data);
}

/**
 * Keyed on every input (and the ticket's last change), never served from an old cache: the balance and
 * the ticket move, and the engineer must see what the database will do now. An invalid choice (price
 * below an agreed minimum, an upgrade without versions) is the database's 4xx, shown as it words it.
 */
export const previewQuoteQueryOptions = (input: QuoteInput, ticketUpdatedAt: string) =>
  queryOptions({
    queryKey: triageKeys.preview(input, ticketUpdatedAt),
    queryFn: ({ signal }) => previewQuote(input, signal),
    staleTime: 0,
  });

export const usePreviewQuote = (input: QuoteInput | null, ticketUpdatedAt: string) =>
  useQuery({
    ...previewQuoteQueryOptions(input ?? { ticketId: '', category: '', credits: null, versions: null }, ticketUpdatedAt),
    enabled: input !== null,
  });
