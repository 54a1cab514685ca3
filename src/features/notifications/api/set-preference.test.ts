import { MutationObserver, QueryClient } from '@tanstack/react-query';
import { describe, expect, it, vi } from 'vitest';
import type { NotificationPreference } from './get-preferences';
import { notificationKeys } from './keys';
import { preferenceMutationOptions } from './set-preference';
import type { PreferenceInput } from '../schemas';

const userId = 'user-1';
const key = notificationKeys.preferences(userId);
const rows: NotificationPreference[] = [
  { kind: 'quote_ready', label: 'Quote ready', description: 'A price to confirm.', optional: true, delivery: 'immediately' },
  { kind: 'answered', label: "Engineer's answer", description: 'A reply.', optional: true, delivery: 'immediately' },
];

const deliveryOf = (client: QueryClient, kind: string) => client.getQueryData<NotificationPreference[]>(key)?.find((row) => row.kind === kind)?.delivery;

/** A save the test finishes by hand, so it can look at the cache while the request is in flight. */
function pendingSave() {
  let settle!: { resolve: () => void; reject: (error: Error) => void };
  const save = (_input: PreferenceInput) =>
    new Promise<void>((resolve, reject) => {
      settle = { resolve, reject };
    });
  return { save, settle: () => settle };
}

function setup(save: (input: PreferenceInput) => Promise<void>) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
  client.setQueryData(key, rows);
  return { client, observer: new MutationObserver(client, preferenceMutationOptions(client, userId, save)) };
}

describe('saving one preference', () => {
  it('shows the new choice while it is saved and keeps it when the save succeeds', async () => {
    const { save, settle } = pendingSave();
    const { client, observer } = setup(save);
    const done = observer.mutate({ kind: 'quote_ready', delivery: 'daily' });
    await vi.waitFor(() => expect(deliveryOf(client, 'quote_ready')).toBe('daily'));
    settle().resolve();
    await done;
    expect(deliveryOf(client, 'quote_ready')).toBe('daily');
  });

  it('puts only the failed row back when the save is refused', async () => {
    const { save, settle } = pendingSave();
    const { client, observer } = setup(save);
    // Another row changed meanwhile (its own save went through): the rollback must not undo it.
    const failing = observer.mutate({ kind: 'quote_ready', delivery: 'never' }).catch((error: unknown) => error);
    await vi.waitFor(() => expect(deliveryOf(client, 'quote_ready')).toBe('never'));
    client.setQueryData<NotificationPreference[]>(key, (current) => current?.map((row) => (row.kind === 'answered' ? { ...row, delivery: 'daily' } : row)));
    settle().reject(new Error('set_notification_preference refused'));
    expect(await failing).toBeInstanceOf(Error);
    expect(deliveryOf(client, 'quote_ready')).toBe('immediately');
    expect(deliveryOf(client, 'answered')).toBe('daily');
    expect(observer.getCurrentResult().isError).toBe(true);
  });
});
