import { useState } from 'react';
import { Alert } from '../../../components/ui/alert';
import { EmptyState } from '../../../components/ui/empty-state';
import { apiErrorMessage } from '../../../lib/api-errors';
import type { NotificationPreference } from '../api/get-preferences';
import { useSetNotificationPreference } from '../api/set-preference';
import { ALWAYS_SENT_REASON } from '../mail-kinds';
import { DELIVERY_CHOICES, DELIVERY_LABELS, type Delivery } from '../schemas';

const isDelivery = (value: string): value is Delivery => (DELIVERY_CHOICES as readonly string[]).includes(value);

/** One row per kind of mail the person can get, each saved as soon as it changes. */
export function PreferenceList({ userId, preferences }: { userId: string; preferences: readonly NotificationPreference[] }) {
  if (preferences.length === 0) {
    return <EmptyState title="No e-mails to choose">There is no kind of e-mail we send you that you can choose about.</EmptyState>;
  }
  return (
    <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
      {preferences.map((preference) => (
        <li key={preference.kind} className="px-4 py-4 sm:px-6">
          {preference.optional ? <PreferenceRow userId={userId} preference={preference} /> : <AlwaysSentRow preference={preference} />}
        </li>
      ))}
    </ul>
  );
}

export function AlwaysSentRow({ preference }: { preference: NotificationPreference }) {
  return (
    <div className="flex flex-wrap items-start justify-between gap-3" data-kind={preference.kind}>
      <div>
        <p className="font-semibold text-slate-900">{preference.label}</p>
        <p className="mt-1 text-sm text-slate-700">{preference.description}</p>
      </div>
      <p className="text-sm text-slate-800">
        <span className="font-semibold">Always sent</span>
        <span className="block text-slate-700">{ALWAYS_SENT_REASON}</span>
      </p>
    </div>
  );
}

const deliveryWords = (delivery: string) => (isDelivery(delivery) ? DELIVERY_LABELS[delivery].toLowerCase() : delivery);

function PreferenceRow({ userId, preference }: { userId: string; preference: NotificationPreference }) {
  const save = useSetNotificationPreference(userId);
  // The choice being saved, shown from the click on: the optimistic update reaches the cache a moment
  // later, and until then the radio would spring back to the stored choice.
  const [choosing, setChoosing] = useState<Delivery | null>(null);
  const shown = choosing ?? preference.delivery;
  const name = `delivery-${preference.kind}`;
  const descriptionId = `${name}-description`;
  return (
    <fieldset aria-describedby={descriptionId} data-kind={preference.kind}>
      <legend className="font-semibold text-slate-900">{preference.label}</legend>
      <p id={descriptionId} className="mt-1 max-w-prose text-sm text-slate-700">
        {preference.description}
      </p>
      <div className="mt-2 flex flex-wrap gap-x-5 gap-y-1">
        {DELIVERY_CHOICES.map((delivery) => (
          <label key={delivery} className="inline-flex min-h-10 cursor-pointer items-center gap-2 text-sm text-slate-900">
            <input
              type="radio"
              name={name}
              value={delivery}
              checked={shown === delivery}
              onChange={() => {
                setChoosing(delivery);
                save.mutate({ kind: preference.kind, delivery }, { onSettled: () => setChoosing(null) });
              }}
              className="size-4 accent-blue-800"
            />
            {DELIVERY_LABELS[delivery]}
          </label>
        ))}
      </div>
      <div className="mt-2 min-h-5 text-sm" aria-live="polite">
        {save.isPending && <span className="text-slate-700">Saving…</span>}
        {save.isSuccess && <span className="text-green-800">Saved: {deliveryWords(preference.delivery)}.</span>}
      </div>
      {save.isError && (
        <Alert tone="error" title={`Your choice for “${preference.label}” was not saved`}>
          {apiErrorMessage(save.error)} It is back to {deliveryWords(preference.delivery)}.
        </Alert>
      )}
    </fieldset>
  );
}
