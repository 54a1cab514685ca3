import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { TextField } from '../../../components/ui/text-field';
import { useResendConfirmation } from '../api/resend-confirmation';
import { useSignUp } from '../api/sign-up';
import { authErrorMessage } from '../auth-errors';
import { signUpSchema } from '../schemas';
import { NewPasswordField } from './new-password-field';
import { useFormErrors } from './use-form-errors';

/** Calls `onSignedIn` when the new account is signed in at once; otherwise asks to open the link in the inbox. */
export function SignUpForm({ onSignedIn, next }: { onSignedIn: () => void; next?: string }) {
  const signUp = useSignUp({
    next,
    mutationConfig: {
      onSuccess: ({ needsConfirmation }) => {
        if (!needsConfirmation) onSignedIn();
      },
    },
  });
  const { fieldErrors, onSubmit } = useFormErrors(signUpSchema, (input) => signUp.mutate(input));

  if (signUp.data?.needsConfirmation) return <CheckYourInbox email={signUp.variables.email} next={next} />;

  return (
    <form noValidate onSubmit={onSubmit} className="space-y-4" aria-label="Create account">
      {signUp.isError && <Alert tone="error">{authErrorMessage(signUp.error, 'sign-up')}</Alert>}
      <TextField label="Email" name="email" type="email" autoComplete="email" required error={fieldErrors.email} />
      <NewPasswordField label="Password" error={fieldErrors.password} />
      <Button type="submit" pending={signUp.isPending} className="w-full">
        {signUp.isPending ? 'Creating account…' : 'Create account'}
      </Button>
    </form>
  );
}

/**
 * After sign-up with confirmations on: the link is in the inbox. The same screen shows for an address
 * that already has an account (Auth answers alike), so it never says whether one exists.
 */
function CheckYourInbox({ email, next }: { email: string; next?: string }) {
  const resend = useResendConfirmation({ next });
  return (
    <div className="space-y-4">
      <Alert tone="success" title="Check your inbox">
        We sent a confirmation link to {email}. Open it to finish creating your account — it signs you in.
      </Alert>
      <p className="text-sm text-slate-700">No email after a few minutes? Check your spam folder, or send it again.</p>
      {resend.isSuccess && <Alert tone="info">We sent another link to {email}.</Alert>}
      {resend.isError && <Alert tone="error">{authErrorMessage(resend.error, 'resend')}</Alert>}
      <Button variant="secondary" pending={resend.isPending} className="w-full" onClick={() => resend.mutate(email)}>
        {resend.isPending ? 'Sending…' : 'Send the link again'}
      </Button>
    </div>
  );
}
