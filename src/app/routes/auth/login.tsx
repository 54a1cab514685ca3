import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { Link } from '../../../components/ui/link';
import { paths, safeNextPath } from '../../../config/paths';
import { SignInForm } from '../../../features/auth/components/sign-in-form';
import { useAuthSession } from '../../../lib/auth-session';
import { AuthPage } from './auth-page';

export default function LoginRoute() {
  const [searchParams] = useSearchParams();
  const next = searchParams.get('next');
  const destination = safeNextPath(next);
  const navigate = useNavigate();
  const auth = useAuthSession();

  if (auth.status === 'signed-in') return <Navigate to={destination} replace />;

  return (
    <AuthPage
      title="Sign in"
      intro="Welcome back. Sign in to see your credits and tickets."
      footer={
        <>
          <p>
            <Link to={paths.auth.resetPassword.getHref()}>Forgot your password?</Link>
          </p>
          <p>
            New here? <Link to={paths.auth.signup.getHref(next ?? undefined)}>Create an account</Link>
          </p>
        </>
      }
    >
      <SignInForm onSuccess={() => void navigate(destination, { replace: true })} />
    </AuthPage>
  );
}
