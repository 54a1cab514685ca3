import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Alert } from '../../../components/ui/alert';
import { SelectField } from '../../../components/ui/fields';
import { apiErrorMessage } from '../../../lib/api-errors';
import { upgradeCostQueryOptions } from '../../../lib/catalogue/queries';
import { previewUpgradeCost } from '../pricing';
import type { TicketCategory } from '../../../lib/catalogue/categories';
import type { ProductRelease } from '../../../lib/catalogue/releases';

/** The live price of an upgrade between two versions: the local preview at once, then the server's figure. */
export function UpgradeCost({
  releases,
  upgrade,
  from,
  to,
}: {
  releases: readonly ProductRelease[];
  upgrade: TicketCategory | undefined;
  from: string;
  to: string;
}) {
  const preview = previewUpgradeCost(releases, upgrade, from, to);
  const server = useQuery({ ...upgradeCostQueryOptions(from, to), enabled: preview.ok, placeholderData: keepPreviousData });
  if (!from || !to) return <p className="text-sm text-slate-700">Choose both versions to see the price.</p>;
  if (!preview.ok) return <p className="text-sm text-red-800">{preview.problem}</p>;
  if (server.isError) return <Alert tone="error">{apiErrorMessage(server.error)}</Alert>;
  const credits = server.data ?? preview.credits;
  return (
    <p className="text-sm text-slate-900" aria-live="polite">
      Upgrading from {from} to {to} is {preview.steps} version{preview.steps === 1 ? '' : 's'}:{' '}
      <strong className="text-base" data-testid="upgrade-cost">
        {credits} credits
      </strong>
      {server.isFetching && <span className="text-slate-600"> (checking…)</span>}
    </p>
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
        <option value="">{placeholder}</option>
        {releases.map((release) => (
          <option key={release.version} value={release.version}>
            {release.version}
          </option>
        ))}
      </SelectField>
      <SelectField label="To version" name="upgrade_to" value={to} onChange={(event) => onChange({ from, to: event.target.value })}>
        <option value="">{placeholder}</option>
        {releases.map((release) => (
          <option key={release.version} value={release.version}>
            {release.version}
          </option>
        ))}
      </SelectField>
    </div>
  );
}

export function UpgradeCalculator({ releases, upgrade }: { releases: readonly ProductRelease[]; upgrade: TicketCategory | undefined }) {
  const [range, setRange] = useState({ from: '', to: '' });
  return (
    <div className="space-y-3">
      <VersionSelects releases={releases} from={range.from} to={range.to} onChange={setRange} />
      <UpgradeCost releases={releases} upgrade={upgrade} from={range.from} to={range.to} />
    </div>
  );
}
