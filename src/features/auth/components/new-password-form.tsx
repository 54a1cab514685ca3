import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { TextField } from '../../../components/ui/text-field';
import { useUpdatePassword } from '../api/update-password';
import { authErrorMessage } from '../auth-errors';
import { MIN_PASSWORD_LENGTH, newPasswordSchema } from '../schemas';
import { useFormErrors } from './use-form-errors';

/** Sets a new password for the signed-in person: after a recovery link, or on the settings page. */
export function NewPasswordForm({ onSuccess }: { onSuccess: () => void }) {
  const update = useUpdatePassword({ mutationConfig: { onSuccess } });
  const { fieldErrors, onSubmit } = useFormErrors(newPasswordSchema, (input) => update.mutate(input));

  return (
    <form noValidate onSubmit={onSubmit} className="space-y-4" aria-label="Choose a new password">
      {update.isError && <Alert tone="error">{authErrorMessage(update.error, 'new-password')}</Alert>}
      <TextField
        label="New password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        minLength={MIN_PASSWORD_LENGTH}
        description={`At least ${MIN_PASSWORD_LENGTH} characters.`}
        error={fieldErrors.password}
      />
      <Button type="submit" pending={update.isPending} className="w-full">
        {update.isPending ? 'Saving…' : 'Save new password'}
      </Button>
    </form>
  );
}
