import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { releasesQueryOptions } from '../../../lib/catalogue/queries';
import { useDebouncedValue } from '../../../lib/use-debounced-value';
import { errorMessage } from '../../../lib/error-message';
import { formatCredits } from '../../../lib/format';
import type { StaffTicket } from '../api/get-ticket';
import { usePreviewQuote, type QuoteInput } from '../api/preview-quote';
import type { QuoteOutcome } from '../schemas';
import type { TicketCategory } from '../../../lib/catalogue/categories';
import { categoryPricing, isUpgradeCategory } from '../../../lib/catalogue/category-pricing';

/** The engineer's choice: a category, the agreed credits, and an upgrade's versions when the ticket names none. */
export type PriceChoice = { code: string; credits: string; from?: string; to?: string };

/**
 * What a choice will do, as the database previews it, with the arguments to commit it; or why it cannot
 * be committed (the database's own words); or that the answer is on its way.
 */
export type Priced = { outcome: QuoteOutcome; input: QuoteInput } | { error: string } | { pending: true };

/** Whether the picker asks for a number: the category's price is agreed case by case. */
const takesCredits = (category: TicketCategory) => categoryPricing(category).kind === 'agreed';
/** Whether the picker asks for versions: an upgrade, and the ticket names none. */
const takesVersions = (ticket: StaffTicket, category: TicketCategory) =>
  isUpgradeCategory(category) && !(ticket.upgrade_from && ticket.upgrade_to);

/** The price as the engineer reads it while choosing. */
function staffPriceLabel(category: TicketCategory): string {
  const pricing = categoryPricing(category);
  switch (pricing.kind) {
    case 'agreed':
      return `from ${formatCredits(pricing.minCredits)}, agreed with the customer`;
    case 'per-version':
      return `${formatCredits(pricing.credits)} for up to ${pricing.includedSteps} releases, +${pricing.perStepCredits} each further`;
    case 'fixed':
      return formatCredits(pricing.credits);
  }
}

/** The arguments a choice sends, or what to fix in the form before there is anything to ask. */
function inputFor(ticket: StaffTicket, category: TicketCategory | undefined, choice: PriceChoice): QuoteInput | { error: string } {
  if (!category) return { error: 'Choose a category.' };
  let credits: number | null = null;
  if (takesCredits(category)) {
    if (!/^\d+$/.test(choice.credits.trim())) return { error: 'Enter the agreed credits as a whole number.' };
    credits = Number(choice.credits);
  }
  const versions = takesVersions(ticket, category) && choice.from && choice.to ? { from: choice.from, to: choice.to } : null;
  return { ticketId: ticket.id, category: category.code, credits, versions };
}

/**
 * Asks `preview_quote` what committing this choice will do. The credits field is debounced so typing
 * asks once per pause; prices, minimums, ceilings and versions are all checked by the database.
 */
export function useQuotePreview(ticket: StaffTicket, category: TicketCategory | undefined, choice: PriceChoice): Priced {
  const typed = inputFor(ticket, category, choice);
  const key = JSON.stringify(typed);
  const settled = useDebouncedValue(key, 300) === key;
  const preview = usePreviewQuote(settled && !('error' in typed) ? typed : null, ticket.updated_at);
  if ('error' in typed) return typed;
  if (!settled || preview.isPending) return { pending: true };
  if (preview.isError) return { error: errorMessage(preview.error) };
  return { outcome: preview.data, input: typed };
}

/**
 * The state both pricing dialogs (assess, re-categorize) keep: the engineer's choice, its category,
 * the database's preview of it, and the outcome once there is one to commit.
 */
export function usePricedChoice(ticket: StaffTicket, categories: readonly TicketCategory[], initial: PriceChoice) {
  const [choice, setChoice] = useState<PriceChoice>(initial);
  const category = categories.find((c) => c.code === choice.code);
  const priced = useQuotePreview(ticket, category, choice);
  const outcome = 'outcome' in priced ? priced.outcome : null;
  return { choice, setChoice, priced, outcome };
}

/** The category list with prices; agreed-price categories (and upgrades without versions) take a number. */
export function CategoryPricePicker({
  ticket,
  categories,
  value,
  onChange,
  priced,
}: {
  ticket: StaffTicket;
  categories: TicketCategory[];
  value: PriceChoice;
  onChange: (next: PriceChoice) => void;
  priced: Priced;
}) {
  const creditsId = useId();
  const selected = categories.find((c) => c.code === value.code);
  const needsNumber = selected && takesCredits(selected);
  const needsVersions = selected !== undefined && takesVersions(ticket, selected);
  const releases = useQuery({ ...releasesQueryOptions(), enabled: needsVersions });

  return (
    <div className="space-y-3">
      <fieldset>
        <legend className="text-sm font-medium text-slate-900">Category</legend>
        <div className="mt-2 space-y-2">
          {categories.map((c) => (
            <label
              key={c.code}
              className="flex cursor-pointer gap-3 rounded-md border border-slate-300 p-2 has-checked:border-blue-800 has-checked:bg-blue-50"
            >
              <input
                type="radio"
                name="category"
                value={c.code}
                checked={value.code === c.code}
                onChange={() => onChange({ code: c.code, credits: c.min_credits ? String(c.min_credits) : '' })}
                className="mt-1"
              />
              <span>
                <span className="font-semibold">
                  {c.name} (level {c.level}) — {staffPriceLabel(c)}
                </span>
                <span className="block text-sm text-slate-700">{c.description}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      {needsNumber && (
        <div>
          <label htmlFor={creditsId} className="block text-sm font-medium text-slate-900">
            Agreed credits
          </label>
          <input
            id={creditsId}
            type="number"
            inputMode="numeric"
            min={selected.min_credits ?? undefined}
            max={100000}
            value={value.credits}
            onChange={(e) => onChange({ ...value, credits: e.target.value })}
            className="mt-1 block w-40 rounded-md border border-slate-400 px-3 py-2"
          />
        </div>
      )}
      {needsVersions && (
        <div className="flex flex-wrap gap-4">
          {(['from', 'to'] as const).map((end) => (
            <label key={end} className="block text-sm font-medium text-slate-900">
              {end === 'from' ? 'Current version' : 'Target version'}
              <select
                value={value[end] ?? ''}
                onChange={(e) => onChange({ ...value, [end]: e.target.value })}
                className="mt-1 block w-40 rounded-md border border-slate-400 bg-white px-3 py-2"
              >
                <option value="">Choose…</option>
                {(releases.data ?? []).map(({ version }) => (
                  <option key={version} value={version}>
                    {version}
                  </option>
                ))}
              </select>
            </label>
          ))}
        </div>
      )}
      {needsVersions && 'outcome' in priced && (
        <p className="text-sm text-slate-700">
          Upgrade {value.from} → {value.to}: {formatCredits(priced.outcome.price)} from the release list
        </p>
      )}
      {selected !== undefined && isUpgradeCategory(selected) && ticket.upgrade_from && ticket.upgrade_to && (
        <p className="text-sm text-slate-700">
          Upgrade {ticket.upgrade_from} → {ticket.upgrade_to}:{' '}
          {'outcome' in priced ? `${formatCredits(priced.outcome.price)} from the release list` : 'pending' in priced ? 'working out the price…' : ''}
        </p>
      )}
    </div>
  );
}
