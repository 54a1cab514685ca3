import { NavLink } from 'react-router-dom';
import { paths } from '../../../config/paths';
import { useLiveRefresh } from '../../../lib/live/use-live';
import { useUnreadCount } from '../api/get-unread-count';
import { notificationKeys } from '../api/keys';

/**
 * The header's link to the notices, with the number unread, counted again the moment the database
 * announces a new notice on the person's own `user:<id>` channel.
 */
export function NotificationsLink({ userId, className }: { userId: string; className: (state: { isActive: boolean }) => string }) {
  useLiveRefresh([`user:${userId}`], () => [notificationKeys.unread(userId), notificationKeys.list(userId)]);
  const unread = useUnreadCount(userId).data ?? 0;
  return (
    <NavLink to={paths.portal.notifications.getHref()} className={className}>
      Notifications
      {unread > 0 && (
        <span className="ml-1 inline-flex min-w-5 items-center justify-center rounded-full bg-red-700 px-1.5 text-xs font-bold text-white" data-testid="unread-count">
          {unread}
          <span className="sr-only"> unread</span>
        </span>
      )}
    </NavLink>
  );
}
