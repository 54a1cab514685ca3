import type { QueryClient } from '@tanstack/react-query';
import { Suspense } from 'react';
import { Link } from '../../../components/ui/link';
import { Skeleton } from '../../../components/ui/skeleton';
import { paths } from '../../../config/paths';
import { notificationPreferencesQueryOptions, useNotificationPreferences } from '../../../features/notifications/api/get-preferences';
import { PreferenceList } from '../../../features/notifications/components/preference-list';
import { useAuthSession } from '../../../lib/auth-session';
import { PageHeader } from './page-header';
import { portalLoader } from './portal-loader';

export const clientLoader = (queryClient: QueryClient) =>
  portalLoader((userId) => queryClient.ensureQueryData(notificationPreferencesQueryOptions(userId)));

function Preferences({ userId }: { userId: string }) {
  const { data } = useNotificationPreferences(userId);
  return <PreferenceList userId={userId} preferences={data} />;
}

export default function NotificationSettingsRoute() {
  const auth = useAuthSession();
  return (
    <section className="max-w-3xl space-y-6">
      <PageHeader title="E-mail notifications">
        Choose how we e-mail you about each kind of event: as it happens, in one daily digest, or not at all. Your{' '}
        <Link to={paths.portal.notifications.getHref()}>notifications in the portal</Link> keep every notice either way.
      </PageHeader>
      <Suspense fallback={<Skeleton lines={8} label="Loading your e-mail choices…" />}>{auth.user && <Preferences userId={auth.user.id} />}</Suspense>
      <p className="text-sm">
        <Link to={paths.portal.settings.getHref()}>Back to settings</Link>
      </p>
    </section>
  );
}
