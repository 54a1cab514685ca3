import { useId } from 'react';
import { useUpgradeCost } from '../api/get-upgrade-cost';
import type { StaffTicket } from '../api/get-ticket';
import type { Category } from '../schemas';

export type PriceChoice = { code: string; credits: string };

/** The price a choice gives, the credits argument to send, or why it cannot be priced yet. */
export type Priced = { price: number; creditsArg: number | null } | { error: string } | { pending: true };

export function usePrice(ticket: StaffTicket, category: Category | undefined, creditsText: string): Priced {
  const versions =
    category?.per_step_credits != null && ticket.upgrade_from && ticket.upgrade_to
      ? { from: ticket.upgrade_from, to: ticket.upgrade_to }
      : null;
  const upgrade = useUpgradeCost(versions);
  if (!category) return { error: 'Choose a category.' };
  if (versions) {
    if (upgrade.isPending) return { pending: true };
    if (upgrade.isError) return { error: 'The upgrade price could not be worked out from the release list.' };
    return { price: upgrade.data, creditsArg: null };
  }
  const typed = Number(creditsText);
  const minimum = category.min_credits ?? (category.per_step_credits != null ? category.credits : null);
  if (minimum === null) return { price: category.credits, creditsArg: null };
  if (creditsText.trim() === '' || !Number.isInteger(typed)) return { error: `Enter the credits (at least ${minimum}).` };
  if (typed < minimum) return { error: `${category.name} costs at least ${minimum} credits.` };
  if (typed > 100000) return { error: 'At most 100000 credits.' };
  return { price: typed, creditsArg: typed };
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
  categories: Category[];
  value: PriceChoice;
  onChange: (next: PriceChoice) => void;
  priced: Priced;
}) {
  const creditsId = useId();
  const selected = categories.find((c) => c.code === value.code);
  const needsNumber =
    selected && (selected.min_credits !== null || (selected.per_step_credits !== null && !(ticket.upgrade_from && ticket.upgrade_to)));

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
                  {c.name} (level {c.level}) —{' '}
                  {c.min_credits !== null
                    ? `from ${c.min_credits} credits, agreed with the customer`
                    : c.per_step_credits !== null
                      ? `${c.credits} credits for up to ${c.included_steps} releases, +${c.per_step_credits} each further`
                      : `${c.credits} credits`}
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
            {selected.min_credits !== null ? 'Agreed credits' : 'Upgrade credits'}
          </label>
          <input
            id={creditsId}
            type="number"
            inputMode="numeric"
            min={selected.min_credits ?? selected.credits}
            max={100000}
            value={value.credits}
            onChange={(e) => onChange({ ...value, credits: e.target.value })}
            className="mt-1 block w-40 rounded-md border border-slate-400 px-3 py-2"
          />
        </div>
      )}
      {selected?.per_step_credits != null && ticket.upgrade_from && ticket.upgrade_to && (
        <p className="text-sm text-slate-700">
          Upgrade {ticket.upgrade_from} → {ticket.upgrade_to}:{' '}
          {'price' in priced ? `${priced.price} credits from the release list` : 'pending' in priced ? 'working out the price…' : ''}
        </p>
      )}
    </div>
  );
}
