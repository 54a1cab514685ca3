import { useState } from 'react';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { TextField } from '../../../components/ui/text-field';
import { useToast } from '../../../components/ui/toast';
import { apiErrorMessage } from '../../../lib/api-errors';
import { parseForm, type FieldErrors } from '../../../lib/form';
import type { Profile } from '../api/get-profile';
import { useUpdateDisplayName } from '../api/update-display-name';
import { DISPLAY_NAME_MAX, displayNameInputSchema, type DisplayNameInput } from '../schemas';

/** The name shown with the person's review and to the engineers on their tickets. */
export function DisplayNameForm({ profile }: { profile: Profile }) {
  const toast = useToast();
  const update = useUpdateDisplayName(profile.id, { onSuccess: () => toast.show('Your display name is saved.') });
  const [errors, setErrors] = useState<FieldErrors<DisplayNameInput>>({});
  return (
    <form
      noValidate
      aria-labelledby="display-name-title"
      className="space-y-4"
      onSubmit={(event) => {
        event.preventDefault();
        const parsed = parseForm(displayNameInputSchema, event.currentTarget);
        if (!parsed.ok) return setErrors(parsed.fieldErrors);
        setErrors({});
        update.mutate(parsed.data);
      }}
    >
      <h2 id="display-name-title" className="text-lg font-bold">
        Display name
      </h2>
      {update.isError && <Alert tone="error">{apiErrorMessage(update.error)}</Alert>}
      <TextField
        label="Display name"
        name="full_name"
        autoComplete="name"
        defaultValue={profile.full_name}
        maxLength={DISPLAY_NAME_MAX}
        description="Shown with your reviews and to our engineers. Without one, reviews say “Customer”; never your e-mail address."
        error={errors.full_name}
      />
      <Button type="submit" pending={update.isPending}>
        Save display name
      </Button>
    </form>
  );
}
