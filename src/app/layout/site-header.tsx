import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { NavLink, useNavigate, useNavigation } from 'react-router-dom';
import { Link } from '../../components/ui/link';
import { SectionErrorBoundary } from '../../components/ui/section-error-boundary';
import { paths } from '../../config/paths';
import { useAuthSession } from '../../lib/auth-session';

// What only signed-in people see comes with TanStack Query and supabase-js: loaded on demand, and
// fetched as soon as a session may exist (alongside supabase-js), not when it is confirmed.
const loadSignedInHeader = () => import('./signed-in-header');
const SignedInLinks = lazy(() => loadSignedInHeader().then((module) => ({ default: module.SignedInLinks })));
const SignOut = lazy(() => loadSignedInHeader().then((module) => ({ default: module.SignOut })));
const LiveBanner = lazy(() => loadSignedInHeader().then((module) => ({ default: module.LiveBanner })));

/** A lazy part of the header: nothing while it loads, and nothing if it cannot (the page stays usable). */
function Deferred({ children }: { children: ReactNode }) {
  return (
    <SectionErrorBoundary what="the signed-in menu" describe={() => ''} onReset={() => undefined} quiet>
      <Suspense fallback={null}>{children}</Suspense>
    </SectionErrorBoundary>
  );
}

const navLinkClass = ({ isActive }: { isActive: boolean }) =>
  `rounded-md px-2 py-1 text-sm font-medium hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-blue-800 ${
    isActive ? 'text-blue-900 underline underline-offset-4' : 'text-slate-800'
  }`;

export function SiteHeader() {
  const auth = useAuthSession();
  const navigate = useNavigate();
  const navigating = useNavigation().state !== 'idle';
  const maybeSignedIn = auth.status !== 'signed-out';
  useEffect(() => {
    // A failure here is shown by nobody: the header then simply goes without those parts.
    if (maybeSignedIn) loadSignedInHeader().catch(() => undefined);
  }, [maybeSignedIn]);

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
              <NavLink to={paths.portal.settings.getHref()} className={navLinkClass}>
                Settings
              </NavLink>
              <Deferred>
                <SignedInLinks userId={auth.user.id} className={navLinkClass} />
              </Deferred>
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
              <Deferred>
                <SignOut onSignedOut={() => void navigate(paths.home.getHref())} />
              </Deferred>
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
      {auth.status === 'signed-in' && (
        <Deferred>
          <LiveBanner />
        </Deferred>
      )}
    </header>
  );
}
