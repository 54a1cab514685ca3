import { Button } from '../../../components/ui/button';
import { EmptyState } from '../../../components/ui/empty-state';
import { Link } from '../../../components/ui/link';
import { formatDateTime } from '../../../lib/format';
import { useMarkNotificationsRead } from '../api/mark-read';
import type { Notification } from '../api/get-notifications';
import { noticeLink, noticePresentation } from '../kinds';

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
        {notifications.map((notification) => {
          const link = noticeLink(notification.kind, notification.ticket?.number);
          return (
            <li key={notification.id} className={`flex gap-3 px-4 py-3 ${notification.read_at ? '' : 'bg-blue-50'}`} data-kind={notification.kind}>
              <span aria-hidden="true" className="mt-0.5 text-lg leading-6">
                {noticePresentation(notification.kind).icon}
              </span>
              <div className="min-w-0">
                <p className="font-semibold text-slate-900">
                  {!notification.read_at && <span className="sr-only">Unread: </span>}
                  {notification.title}
                </p>
                <p className="mt-1 text-sm text-slate-800">{notification.body}</p>
                <p className="mt-1 flex flex-wrap gap-3 text-sm text-slate-600">
                  <span>{formatDateTime(notification.created_at)}</span>
                  {link && (
                    <Link to={link.href} onClick={() => !notification.read_at && mark.mutate([notification.id])}>
                      {link.label}
                    </Link>
                  )}
                </p>
              </div>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
