import { Navigate, Outlet, useLocation } from 'react-router-dom';
import { PageSpinner } from '../../../components/ui/spinner';
import { paths } from '../../../config/paths';
import { useAuthSession } from '../../../lib/auth-session';

/** Layout for pages that need a signed-in user: others go to the sign-in page and come back after. */
export default function RequireSession() {
  const auth = useAuthSession();
  const location = useLocation();

  if (auth.status === 'loading') return <PageSpinner label="Checking your sign-in…" />;
  if (auth.status === 'signed-out') {
    return <Navigate to={paths.auth.login.getHref(`${location.pathname}${location.search}`)} replace />;
  }
  return <Outlet />;
}
