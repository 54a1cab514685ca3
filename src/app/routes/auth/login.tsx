import { useLocation } from 'react-router-dom';
import { Alert } from '../../../components/ui/alert';
import { Link } from '../../../components/ui/link';
import { paths } from '../../../config/paths';
import { SignInForm } from '../../../features/auth/components/sign-in-form';
import { sentence } from '../../../lib/format';
import { AuthPage, useAuthDestination } from './auth-page';

export default function LoginRoute() {
  const { next, redirect, goOn } = useAuthDestination();
  const { hash } = useLocation();
  if (redirect) return redirect;
  // A confirmation link lands here; an expired or used one comes back as #error_description=… instead.
  const linkError = new URLSearchParams(hash.replace(/^#/, '')).get('error_description');

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
            New here? <Link to={paths.auth.signup.getHref(next)}>Create an account</Link>
          </p>
        </>
      }
    >
      {linkError && (
        <div className="mb-4">
          <Alert tone="error" title="That link did not work">
            {sentence(linkError)} Sign in if your address is already confirmed, or sign up again for a new link.
          </Alert>
        </div>
      )}
      <SignInForm onSuccess={goOn} />
    </AuthPage>
  );
}
