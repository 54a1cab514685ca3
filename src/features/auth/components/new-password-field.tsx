import { TextField } from '../../../components/ui/text-field';
import { MIN_PASSWORD_LENGTH } from '../schemas';

/** A password being chosen (sign-up, reset): the browser may suggest one, and the rule is stated. */
export function NewPasswordField({ label, error }: { label: string; error?: string }) {
  return (
    <TextField
      label={label}
      name="password"
      type="password"
      autoComplete="new-password"
      required
      minLength={MIN_PASSWORD_LENGTH}
      description={`At least ${MIN_PASSWORD_LENGTH} characters.`}
      error={error}
    />
  );
}
