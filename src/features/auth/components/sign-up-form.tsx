import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { TextField } from '../../../components/ui/text-field';
import { useSignUp } from '../api/sign-up';
import { authErrorMessage } from '../auth-errors';
import { signUpSchema } from '../schemas';
import { NewPasswordField } from './new-password-field';
import { useFormErrors } from './use-form-errors';

/** Calls `onSignedIn` when the new account is signed in at once; otherwise asks to confirm the email. */
export function SignUpForm({ onSignedIn }: { onSignedIn: () => void }) {
  const signUp = useSignUp({
    mutationConfig: {
      onSuccess: ({ needsConfirmation }) => {
        if (!needsConfirmation) onSignedIn();
      },
    },
  });
  const { fieldErrors, onSubmit } = useFormErrors(signUpSchema, (input) => signUp.mutate(input));

  if (signUp.data?.needsConfirmation) {
    return (
      <Alert tone="success" title="Check your email">
        We sent a confirmation link to {signUp.variables.email}. Open it to finish creating your account.
      </Alert>
    );
  }

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
