import type { QueryClient } from '@tanstack/react-query';
import { Suspense } from 'react';
import { Link } from '../../../components/ui/link';
import { Skeleton } from '../../../components/ui/skeleton';
import { useToast } from '../../../components/ui/toast';
import { paths } from '../../../config/paths';
import { NewPasswordForm } from '../../../features/auth/components/new-password-form';
import { profileQueryOptions, useProfile } from '../../../features/profile/api/get-profile';
import { DisplayNameForm } from '../../../features/profile/components/display-name-form';
import { useAuthSession } from '../../../lib/auth-session';
import { PageHeader } from './page-header';
import { portalLoader } from './portal-loader';

export const clientLoader = (queryClient: QueryClient) => portalLoader((userId) => queryClient.ensureQueryData(profileQueryOptions(userId)));

const card = 'rounded-lg border border-slate-200 bg-white p-4 sm:p-6';

function Settings({ userId }: { userId: string }) {
  const { data: profile } = useProfile(userId);
  const toast = useToast();
  return (
    <div className="grid max-w-2xl gap-6">
      <section className={card}>
        <DisplayNameForm profile={profile} />
      </section>
      <section aria-labelledby="email-title" className={card}>
        <h2 id="email-title" className="text-lg font-bold">
          E-mail address
        </h2>
        <p className="mt-2 break-all font-medium text-slate-900">{profile.email}</p>
        <p className="mt-1 text-sm text-slate-700">
          You sign in with it and we send notices to it; it is never shown to other customers. To change it, ask us through a ticket.
        </p>
      </section>
      <section aria-labelledby="mail-title" className={card}>
        <h2 id="mail-title" className="text-lg font-bold">
          E-mail notifications
        </h2>
        <p className="mt-2 text-sm text-slate-700">Choose which e-mails you get: each as it happens, a daily digest, or none.</p>
        <p className="mt-3">
          <Link to={paths.portal.notificationSettings.getHref()}>Choose your e-mails</Link>
        </p>
      </section>
      <section aria-labelledby="password-title" className={card}>
        <h2 id="password-title" className="mb-4 text-lg font-bold">
          Password
        </h2>
        <NewPasswordForm onSuccess={() => toast.show('Your new password is saved.')} />
      </section>
    </div>
  );
}

export default function SettingsRoute() {
  const auth = useAuthSession();
  return (
    <section className="space-y-6">
      <PageHeader title="Settings" />
      <Suspense fallback={<Skeleton lines={6} label="Loading your settings…" />}>{auth.user && <Settings userId={auth.user.id} />}</Suspense>
    </section>
  );
}
