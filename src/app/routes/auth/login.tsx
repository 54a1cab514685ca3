import { Link } from '../../../components/ui/link';
import { paths } from '../../../config/paths';
import { SignInForm } from '../../../features/auth/components/sign-in-form';
import { AuthPage, useAuthDestination } from './auth-page';

export default function LoginRoute() {
  const { next, redirect, goOn } = useAuthDestination();
  if (redirect) return redirect;

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
      <SignInForm onSuccess={goOn} />
    </AuthPage>
  );
}
