import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { TextField } from '../../../components/ui/text-field';
import { useSignIn } from '../api/sign-in';
import { authErrorMessage } from '../auth-errors';
import { signInSchema } from '../schemas';
import { useFormErrors } from './use-form-errors';

export function SignInForm({ onSuccess }: { onSuccess: () => void }) {
  const signIn = useSignIn({ mutationConfig: { onSuccess } });
  const { fieldErrors, onSubmit } = useFormErrors(signInSchema, (input) => signIn.mutate(input));

  return (
    <form noValidate onSubmit={onSubmit} className="space-y-4" aria-label="Sign in">
      {signIn.isError && <Alert tone="error">{authErrorMessage(signIn.error, 'sign-in')}</Alert>}
      <TextField label="Email" name="email" type="email" autoComplete="email" required error={fieldErrors.email} />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="current-password"
        required
        error={fieldErrors.password}
      />
      <Button type="submit" pending={signIn.isPending} className="w-full">
        {signIn.isPending ? 'Signing in…' : 'Sign in'}
      </Button>
    </form>
  );
}
