import type { QueryClient } from '@tanstack/react-query';
import { Suspense } from 'react';
import { Navigate, Outlet, useLocation } from 'react-router-dom';
import { PageSpinner } from '../../components/ui/spinner';
import { paths } from '../../config/paths';
import { useAuthSession } from '../../lib/auth-session';
import { currentRoleQueryOptions, isAdminRole, isStaffRole, needsSecondFactor, type CurrentRole } from '../../lib/current-role';
import { useSuspenseQuery } from '@tanstack/react-query';
import { NotAllowed } from './not-allowed';

export type Area = 'staff' | 'admin';

export const allows = (area: Area, role: CurrentRole) => (area === 'admin' ? isAdminRole(role) : isStaffRole(role));

/**
 * For the loaders of staff and admin pages: the caller's role, or null when the area is not theirs —
 * then the loader fetches nothing, so someone without the role never requests the page's data.
 */
export async function roleFor(queryClient: QueryClient, area: Area) {
  const role = await queryClient.ensureQueryData(currentRoleQueryOptions());
  return allows(area, role) ? role : null;
}

export const roleGuardLoader = (queryClient: QueryClient) => async () => {
  await queryClient.ensureQueryData(currentRoleQueryOptions());
  return null;
};

/** A signed-in person with the area's role sees the pages below; others see "Not allowed" or sign in. */
export function RequireRole({ area }: { area: Area }) {
  const auth = useAuthSession();
  const location = useLocation();
  if (auth.status === 'loading') return <PageSpinner label="Checking your sign-in…" />;
  if (auth.status === 'signed-out') {
    return <Navigate to={paths.auth.login.getHref(`${location.pathname}${location.search}`)} replace />;
  }
  return (
    <Suspense fallback={<PageSpinner label="Checking your access…" />}>
      <RoleGate area={area} />
    </Suspense>
  );
}

function RoleGate({ area }: { area: Area }) {
  const { data: role } = useSuspenseQuery(currentRoleQueryOptions());
  const location = useLocation();
  if (needsSecondFactor(role)) return <SecondFactorRedirect from={`${location.pathname}${location.search}`} />;
  return allows(area, role) ? <Outlet context={role} /> : <NotAllowed area={area} />;
}

/** Staff at aal1 see nothing but the second-factor step, which sends them back to `from` after. */
export function SecondFactorRedirect({ from }: { from: string }) {
  return <Navigate to={paths.auth.secondFactor.getHref(from)} replace />;
}

/** For signed-in pages open to everyone (the portal): staff must pass the second factor first. */
export function SecondFactorGate() {
  const { data: role } = useSuspenseQuery(currentRoleQueryOptions());
  const location = useLocation();
  if (needsSecondFactor(role)) return <SecondFactorRedirect from={`${location.pathname}${location.search}`} />;
  return <Outlet />;
}
