import { useState } from 'react';
import { useLocation } from 'react-router-dom';
import { Alert } from '../../../components/ui/alert';
import { Link } from '../../../components/ui/link';
import { paths } from '../../../config/paths';
import { NewPasswordForm } from '../../../features/auth/components/new-password-form';
import { PasswordResetRequestForm } from '../../../features/auth/components/password-reset-request-form';
import { useAuthSession } from '../../../lib/auth-session';
import { sentence } from '../../../lib/format';
import { AuthPage } from './auth-page';

/**
 * Two steps on one page: ask for a reset link; then, arriving back through that link (a recovery
 * session), choose the new password.
 */
export default function ResetPasswordRoute() {
  const auth = useAuthSession();
  const { hash } = useLocation();
  const [changed, setChanged] = useState(false);
  // An expired or reused link comes back as #error_description=… instead of a session.
  const linkError = new URLSearchParams(hash.replace(/^#/, '')).get('error_description');

  if (changed) {
    return (
      <AuthPage title="Password changed">
        <Alert tone="success">
          Your new password is saved and you are signed in. <Link to={paths.portal.root.getHref()}>Go to your portal</Link>
        </Alert>
      </AuthPage>
    );
  }

  if (auth.passwordRecovery && auth.status === 'signed-in') {
    return (
      <AuthPage title="Choose a new password" intro={`For ${auth.user.email ?? 'your account'}.`}>
        <NewPasswordForm
          onSuccess={() => {
            auth.endPasswordRecovery();
            setChanged(true);
          }}
        />
      </AuthPage>
    );
  }

  return (
    <AuthPage
      title="Reset your password"
      intro="Enter the email address you signed up with and we will send you a link to choose a new password."
      footer={
        <p>
          Remembered it? <Link to={paths.auth.login.getHref()}>Sign in</Link>
        </p>
      }
    >
      {linkError && (
        <div className="mb-4">
          <Alert tone="error" title="That reset link did not work">
            {sentence(linkError)} Ask for a new link below.
          </Alert>
        </div>
      )}
      <PasswordResetRequestForm />
    </AuthPage>
  );
}
