import type { QueryClient } from '@tanstack/react-query';
import { Suspense } from 'react';
import { Link } from 'react-router-dom';
import { Skeleton } from '../../../components/ui/skeleton';
import { paths } from '../../../config/paths';
import { notificationsQueryOptions, useNotifications } from '../../../features/notifications/api/get-notifications';
import { NotificationList } from '../../../features/notifications/components/notification-list';
import { useAuthSession } from '../../../lib/auth-session';
import { PageHeader, secondaryLinkClass } from './page-header';
import { portalLoader } from './portal-loader';

export const clientLoader = (queryClient: QueryClient) =>
  portalLoader((userId) => queryClient.ensureQueryData(notificationsQueryOptions(userId)));

function Notifications({ userId }: { userId: string }) {
  const { data } = useNotifications(userId);
  return <NotificationList notifications={data} />;
}

export default function NotificationsRoute() {
  const auth = useAuthSession();
  return (
    <section className="space-y-6">
      <PageHeader
        title="Notifications"
        actions={
          <Link to={paths.portal.notificationSettings.getHref()} className={secondaryLinkClass}>
            E-mail settings
          </Link>
        }
      >
        We also send these by e-mail, as you choose in the e-mail settings.
      </PageHeader>
      <Suspense fallback={<Skeleton lines={6} label="Loading notifications…" />}>{auth.user && <Notifications userId={auth.user.id} />}</Suspense>
    </section>
  );
}
