/**
 * The header's parts that only signed-in people see and that read or change data (TanStack Query,
 * supabase-js): loaded on demand by site-header.tsx, so a visitor's first load of `/` does without them.
 */
import { SignOutButton } from '../../features/auth/components/sign-out-button';
import { NotificationsLink } from '../../features/notifications/components/unread-badge';
import { QueryProvider } from '../../lib/query-provider';
import { StaffNavLinks } from './staff-nav-links';

export { LiveBanner } from './live-banner';

type LinkClass = (state: { isActive: boolean }) => string;

/** "Notifications" with the unread count; "Queue" and "Admin" for staff. */
export function SignedInLinks({ userId, className }: { userId: string; className: LinkClass }) {
  return (
    <QueryProvider>
      <NotificationsLink userId={userId} className={className} />
      <StaffNavLinks className={className} />
    </QueryProvider>
  );
}

export function SignOut({ onSignedOut }: { onSignedOut: () => void }) {
  return (
    <QueryProvider>
      <SignOutButton onSignedOut={onSignedOut} />
    </QueryProvider>
  );
}
