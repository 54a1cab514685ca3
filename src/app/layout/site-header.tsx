import { NavLink, useNavigate, useNavigation } from 'react-router-dom';
import { Link } from '../../components/ui/link';
import { paths } from '../../config/paths';
import { SignOutButton } from '../../features/auth/components/sign-out-button';
import { NotificationsLink } from '../../features/notifications/components/unread-badge';
import { useAuthSession } from '../../lib/auth-session';
import { StaffNavLinks } from './staff-nav-links';

const navLinkClass = ({ isActive }: { isActive: boolean }) =>
  `rounded-md px-2 py-1 text-sm font-medium hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-blue-800 ${
    isActive ? 'text-blue-900 underline underline-offset-4' : 'text-slate-800'
  }`;

export function SiteHeader() {
  const auth = useAuthSession();
  const navigate = useNavigate();
  const navigating = useNavigation().state !== 'idle';

  return (
    <header className="relative border-b border-slate-200 bg-white print:hidden">
      {navigating && <div aria-hidden="true" className="absolute inset-x-0 top-0 h-0.5 animate-pulse bg-blue-800" />}
      <div className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-x-6 gap-y-3 px-4 py-3">
        <NavLink
          to={paths.home.getHref()}
          className="text-lg font-bold text-slate-900 focus-visible:outline-2 focus-visible:outline-blue-800"
        >
          Pro Portal
        </NavLink>

        <nav aria-label="Main" className="order-last flex w-full flex-wrap gap-x-2 gap-y-1 sm:order-none sm:w-auto sm:flex-1">
          <NavLink to={paths.home.getHref()} end className={navLinkClass}>
            Support credits
          </NavLink>
          {auth.status === 'signed-in' && (
            <>
              <NavLink to={paths.portal.root.getHref()} end className={navLinkClass}>
                My portal
              </NavLink>
              <NavLink to={paths.portal.tickets.getHref()} className={navLinkClass}>
                Tickets
              </NavLink>
              <NavLink to={paths.portal.credits.getHref()} className={navLinkClass}>
                Credits
              </NavLink>
              <NotificationsLink userId={auth.user.id} className={navLinkClass} />
              <StaffNavLinks className={navLinkClass} />
            </>
          )}
        </nav>

        <div className="flex min-w-0 items-center gap-3" aria-live="polite">
          {auth.status === 'loading' && <span className="text-sm text-slate-600">Checking sign-in…</span>}
          {auth.status === 'signed-in' && (
            <>
              <span className="max-w-[11rem] truncate text-sm text-slate-700 sm:max-w-xs" title={auth.user.email}>
                {auth.user.email}
              </span>
              <SignOutButton onSignedOut={() => void navigate(paths.home.getHref())} />
            </>
          )}
          {auth.status === 'signed-out' && (
            <>
              <Link to={paths.auth.login.getHref()} className="text-sm">
                Sign in
              </Link>
              <NavLink
                to={paths.auth.signup.getHref()}
                className="rounded-md bg-blue-800 px-3 py-2 text-sm font-semibold text-white hover:bg-blue-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-800"
              >
                Sign up
              </NavLink>
            </>
          )}
        </div>
      </div>
    </header>
  );
}
