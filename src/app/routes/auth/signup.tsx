import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { Link } from '../../../components/ui/link';
import { paths, safeNextPath } from '../../../config/paths';
import { SignUpForm } from '../../../features/auth/components/sign-up-form';
import { useAuthSession } from '../../../lib/auth-session';
import { AuthPage } from './auth-page';

export default function SignupRoute() {
  const [searchParams] = useSearchParams();
  const next = searchParams.get('next');
  const destination = safeNextPath(next);
  const navigate = useNavigate();
  const auth = useAuthSession();

  if (auth.status === 'signed-in') return <Navigate to={destination} replace />;

  return (
    <AuthPage
      title="Create your account"
      intro="One account holds your support credits and tickets."
      footer={
        <p>
          Already have an account? <Link to={paths.auth.login.getHref(next ?? undefined)}>Sign in</Link>
        </p>
      }
    >
      <SignUpForm onSignedIn={() => void navigate(destination, { replace: true })} />
    </AuthPage>
  );
}
