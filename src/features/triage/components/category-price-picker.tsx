import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { releasesQueryOptions, upgradeCostQueryOptions } from '../../../lib/catalogue/queries';
import type { StaffTicket } from '../api/get-ticket';
import type { TicketCategory } from '../../../lib/catalogue/categories';

/** The engineer's choice: a category, the agreed credits, and an upgrade's versions when the ticket names none. */
export type PriceChoice = { code: string; credits: string; from?: string; to?: string };

/**
 * The price a choice gives, the arguments to send (credits, and versions the ticket did not name), or why
 * it cannot be priced yet. An upgrade is always priced from two versions of the release list.
 */
export type Priced =
  | { price: number; creditsArg: number | null; versionsArg: { from: string; to: string } | null }
  | { error: string }
  | { pending: true };

export function usePrice(ticket: StaffTicket, category: TicketCategory | undefined, choice: PriceChoice): Priced {
  const isUpgrade = category?.per_step_credits != null;
  const ticketVersions = ticket.upgrade_from && ticket.upgrade_to ? { from: ticket.upgrade_from, to: ticket.upgrade_to } : null;
  const chosen = !ticketVersions && choice.from && choice.to ? { from: choice.from, to: choice.to } : null;
  const versions = isUpgrade ? (ticketVersions ?? chosen) : null;
  // Never from the cache: the engineer is shown what the database will charge now.
  const upgrade = useQuery({ ...upgradeCostQueryOptions(versions?.from ?? '', versions?.to ?? ''), staleTime: 0, enabled: versions !== null });
  if (!category) return { error: 'Choose a category.' };
  if (isUpgrade) {
    if (!versions) return { error: 'Choose the current and the target version: an upgrade is priced from the release list.' };
    if (upgrade.isPending) return { pending: true };
    if (upgrade.isError) return { error: `${versions.to} is not a later release than ${versions.from}: choose two versions in release order.` };
    return { price: upgrade.data, creditsArg: null, versionsArg: chosen };
  }
  const typed = Number(choice.credits);
  const minimum = category.min_credits;
  if (minimum === null) return { price: category.credits, creditsArg: null, versionsArg: null };
  if (choice.credits.trim() === '' || !Number.isInteger(typed)) return { error: `Enter the credits (at least ${minimum}).` };
  if (typed < minimum) return { error: `${category.name} costs at least ${minimum} credits.` };
  if (typed > 100000) return { error: 'At most 100000 credits.' };
  return { price: typed, creditsArg: typed, versionsArg: null };
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
  const needsNumber = selected && selected.min_credits !== null;
  const needsVersions = selected?.per_step_credits != null && !(ticket.upgrade_from && ticket.upgrade_to);
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
      {needsVersions && 'price' in priced && (
        <p className="text-sm text-slate-700">
          Upgrade {value.from} → {value.to}: {priced.price} credits from the release list
        </p>
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
