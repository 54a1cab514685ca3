import { Button } from '../../../components/ui/button';
import { EmptyState } from '../../../components/ui/empty-state';
import { Link } from '../../../components/ui/link';
import { paths } from '../../../config/paths';
import { formatDateTime } from '../../../lib/format';
import { useMarkNotificationsRead } from '../api/mark-read';
import type { Notification } from '../api/get-notifications';

export function NotificationList({ notifications }: { notifications: readonly Notification[] }) {
  const mark = useMarkNotificationsRead();
  const unread = notifications.filter((notification) => !notification.read_at);
  if (notifications.length === 0) {
    return <EmptyState title="No notifications yet">Quotes to confirm, charges and replies will appear here.</EmptyState>;
  }
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <p className="text-slate-700" aria-live="polite">
          {unread.length === 0 ? 'All read.' : `${unread.length} unread.`}
        </p>
        {unread.length > 0 && (
          <Button variant="secondary" pending={mark.isPending} onClick={() => mark.mutate(undefined)}>
            Mark all as read
          </Button>
        )}
      </div>
      <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
        {notifications.map((notification) => (
          <li key={notification.id} className={`px-4 py-3 ${notification.read_at ? '' : 'bg-blue-50'}`}>
            <p className="font-semibold text-slate-900">
              {!notification.read_at && <span className="sr-only">Unread: </span>}
              {notification.title}
            </p>
            <p className="mt-1 text-sm text-slate-800">{notification.body}</p>
            <p className="mt-1 flex flex-wrap gap-3 text-sm text-slate-600">
              <span>{formatDateTime(notification.created_at)}</span>
              {notification.ticket && (
                <Link
                  to={paths.portal.ticket.getHref(notification.ticket.number)}
                  onClick={() => !notification.read_at && mark.mutate([notification.id])}
                >
                  Open ticket #{notification.ticket.number}
                </Link>
              )}
            </p>
          </li>
        ))}
      </ul>
    </div>
  );
}
