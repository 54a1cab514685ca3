import { useLiveRefresh } from '../../../lib/live/use-live';
import { triageKeys } from './keys';

/**
 * The queue and its counts follow every ticket change as it happens: the database announces each one on
 * the staff-only `queue` channel (new tickets, status changes, assignments, replies), and the lists are
 * refetched, whichever filter is shown.
 */
export function useLiveQueue() {
  useLiveRefresh(['queue'], () => [triageKeys.queues(), triageKeys.counts()]);
}
