import { Suspense } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { PageSpinner } from '../../../components/ui/spinner';
import { paths } from '../../../config/paths';
import { useAuthSession } from '../../../lib/auth-session';
import { SecondFactorGate } from '../require-role';

/**
 * Layout for pages that need a signed-in user: others go to the sign-in page and come back after. Staff
 * signed in without their second factor go to that step first (routes/auth/second-factor.tsx).
 */
export default function RequireSession() {
  const auth = useAuthSession();
  const location = useLocation();

  if (auth.status === 'loading') return <PageSpinner label="Checking your sign-in…" />;
  if (auth.status === 'signed-out') {
    return <Navigate to={paths.auth.login.getHref(`${location.pathname}${location.search}`)} replace />;
  }
  return (
    <Suspense fallback={<PageSpinner label="Checking your sign-in…" />}>
      <SecondFactorGate />
    </Suspense>
  );
}
