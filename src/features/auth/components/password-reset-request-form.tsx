import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { TextField } from '../../../components/ui/text-field';
import { useRequestPasswordReset } from '../api/request-password-reset';
import { authErrorMessage } from '../auth-errors';
import { passwordResetRequestSchema } from '../schemas';
import { useFormErrors } from './use-form-errors';

export function PasswordResetRequestForm() {
  const request = useRequestPasswordReset();
  const { fieldErrors, onSubmit } = useFormErrors(passwordResetRequestSchema, (input) => request.mutate(input));

  if (request.isSuccess) {
    // Worded so that it does not reveal whether an account exists for the address.
    return (
      <Alert tone="success" title="Check your email">
        If an account exists for {request.variables.email}, we have sent it a link to choose a new password. The
        link works once; it can take a few minutes to arrive.
      </Alert>
    );
  }

  return (
    <form noValidate onSubmit={onSubmit} className="space-y-4" aria-label="Reset password">
      {request.isError && <Alert tone="error">{authErrorMessage(request.error, 'reset-request')}</Alert>}
      <TextField label="Email" name="email" type="email" autoComplete="email" required error={fieldErrors.email} />
      <Button type="submit" pending={request.isPending} className="w-full">
        {request.isPending ? 'Sending…' : 'Send reset link'}
      </Button>
    </form>
  );
}
