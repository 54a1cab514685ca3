import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Alert } from '../../../components/ui/alert';
import { SelectField } from '../../../components/ui/fields';
import { apiErrorMessage } from '../../../lib/api-errors';
import { formatCredits } from '../../../lib/format';
import { upgradeCostQueryOptions } from '../../../lib/catalogue/queries';
import type { ProductRelease } from '../../../lib/catalogue/releases';

/**
 * The price of an upgrade between two versions, as `upgrade_cost` answers it: the database counts the
 * releases and prices them, and says what is wrong with a pair (unknown, or not in release order).
 */
export function UpgradeCost({ from, to }: { from: string; to: string }) {
  const chosen = Boolean(from && to);
  const server = useQuery({ ...upgradeCostQueryOptions(from, to), enabled: chosen, placeholderData: keepPreviousData });
  if (!chosen) return <p className="text-sm text-slate-700">Choose both versions to see the price.</p>;
  if (server.isError) {
    // A pair the database refuses (unknown, or not in release order) is said in its words, as a hint.
    const { code, details } = server.error as { code?: unknown; details?: unknown };
    if (code === '22023' && typeof details === 'string' && details) return <p className="text-sm text-red-800">{details}</p>;
    return <Alert tone="error">{apiErrorMessage(server.error)}</Alert>;
  }
  if (server.data === undefined) return <p className="text-sm text-slate-700" aria-live="polite">Working out the price…</p>;
  return (
    <p className="text-sm text-slate-900" aria-live="polite">
      Upgrading from {from} to {to}:{' '}
      <strong className="text-base" data-testid="upgrade-cost">
        {formatCredits(server.data)}
      </strong>
      {server.isPlaceholderData && <span className="text-slate-600"> (checking…)</span>}
    </p>
  );
}

/** Both pickers offer the same list: no choice first, then every release in release order. */
function ReleaseOptions({ releases, placeholder }: { releases: readonly ProductRelease[]; placeholder: string }) {
  return (
    <>
      <option value="">{placeholder}</option>
      {releases.map((release) => (
        <option key={release.version} value={release.version}>
          {release.version}
        </option>
      ))}
    </>
  );
}

export function VersionSelects({
  releases,
  from,
  to,
  onChange,
  optional = false,
}: {
  releases: readonly ProductRelease[];
  from: string;
  to: string;
  onChange: (value: { from: string; to: string }) => void;
  optional?: boolean;
}) {
  const placeholder = optional ? 'Not an upgrade' : 'Choose a version';
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      <SelectField label="From version" name="upgrade_from" value={from} onChange={(event) => onChange({ from: event.target.value, to })}>
        <ReleaseOptions releases={releases} placeholder={placeholder} />
      </SelectField>
      <SelectField label="To version" name="upgrade_to" value={to} onChange={(event) => onChange({ from, to: event.target.value })}>
        <ReleaseOptions releases={releases} placeholder={placeholder} />
      </SelectField>
    </div>
  );
}

export function UpgradeCalculator({ releases }: { releases: readonly ProductRelease[] }) {
  const [range, setRange] = useState({ from: '', to: '' });
  return (
    <div className="space-y-3">
      <VersionSelects releases={releases} from={range.from} to={range.to} onChange={setRange} />
      <UpgradeCost from={range.from} to={range.to} />
    </div>
  );
}
