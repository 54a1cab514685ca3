import { Link } from '../../../components/ui/link';
import { paths } from '../../../config/paths';
import { SignUpForm } from '../../../features/auth/components/sign-up-form';
import { AuthPage, useAuthDestination } from './auth-page';

export default function SignupRoute() {
  const { next, redirect, goOn } = useAuthDestination();
  if (redirect) return redirect;

  return (
    <AuthPage
      title="Create your account"
      intro="One account holds your support credits and tickets."
      footer={
        <p>
          Already have an account? <Link to={paths.auth.login.getHref(next)}>Sign in</Link>
        </p>
      }
    >
      <SignUpForm onSignedIn={goOn} next={next} />
    </AuthPage>
  );
}
