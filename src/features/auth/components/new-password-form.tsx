import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { useUpdatePassword } from '../api/update-password';
import { authErrorMessage } from '../auth-errors';
import { newPasswordSchema } from '../schemas';
import { NewPasswordField } from './new-password-field';
import { useFormErrors } from './use-form-errors';

/** Sets a new password for the signed-in person: after a recovery link, or on the settings page. */
export function NewPasswordForm({ onSuccess }: { onSuccess: () => void }) {
  const update = useUpdatePassword({ mutationConfig: { onSuccess } });
  const { fieldErrors, onSubmit } = useFormErrors(newPasswordSchema, (input) => update.mutate(input));

  return (
    <form noValidate onSubmit={onSubmit} className="space-y-4" aria-label="Choose a new password">
      {update.isError && <Alert tone="error">{authErrorMessage(update.error, 'new-password')}</Alert>}
      <NewPasswordField label="New password" error={fieldErrors.password} />
      <Button type="submit" pending={update.isPending} className="w-full">
        {update.isPending ? 'Saving…' : 'Save new password'}
      </Button>
    </form>
  );
}
