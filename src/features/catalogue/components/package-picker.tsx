import { useId, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { Button } from '../../../components/ui/button';
import { paths } from '../../../config/paths';
import { formatCredits } from '../../../lib/format';
import { formatMoney } from '../../../lib/money';
import type { CreditPackage } from '../schemas';

/**
 * "Number of credits": one choice per package with its price, and Buy. Buying goes through the
 * checkout route, which asks a signed-out visitor to sign in (or sign up) first and comes back.
 */
export function PackagePicker({
  packages,
  initialCredits,
  returnTo,
  buyLabel = 'Buy',
}: {
  packages: readonly CreditPackage[];
  initialCredits?: number;
  returnTo?: string;
  buyLabel?: string;
}) {
  const navigate = useNavigate();
  const id = useId();
  const initial = packages.find((pkg) => pkg.credits === initialCredits) ?? packages[Math.min(1, packages.length - 1)];
  const [selectedId, setSelectedId] = useState(initial?.id);
  const selected = packages.find((pkg) => pkg.id === selectedId);

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (selected) void navigate(paths.checkout.start.getHref(selected.id, returnTo));
      }}
    >
      <fieldset>
        <legend className="text-base font-semibold text-slate-900">Number of credits</legend>
        <div className="mt-3 grid grid-cols-2 gap-2 sm:grid-cols-4">
          {packages.map((pkg) => (
            <label
              key={pkg.id}
              className="flex cursor-pointer flex-col rounded-md border border-slate-300 bg-white px-3 py-2 has-checked:border-blue-800 has-checked:bg-blue-50 has-checked:ring-2 has-checked:ring-blue-800 has-focus-visible:outline-2 has-focus-visible:outline-offset-2 has-focus-visible:outline-blue-800"
            >
              <span className="flex items-center gap-2">
                <input
                  type="radio"
                  name={`${id}-package`}
                  value={pkg.id}
                  checked={pkg.id === selectedId}
                  onChange={() => setSelectedId(pkg.id)}
                  className="size-4 accent-blue-800"
                />
                <span className="font-semibold">{formatCredits(pkg.credits)}</span>
              </span>
              <span className="mt-1 pl-6 text-sm text-slate-700">{formatMoney(pkg.price_cents, pkg.currency)}</span>
            </label>
          ))}
        </div>
      </fieldset>
      {selected && (
        <div className="mt-4 flex flex-wrap items-center gap-4">
          <Button type="submit">
            {buyLabel} {formatCredits(selected.credits)}
          </Button>
          <p className="text-sm text-slate-700">
            {formatMoney(selected.price_cents, selected.currency)} ·{' '}
            {formatMoney(Math.round(selected.price_cents / selected.credits), selected.currency)} per credit
          </p>
        </div>
      )}
    </form>
  );
}
