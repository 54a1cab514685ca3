import { useState } from 'react';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { TextAreaField } from '../../../components/ui/fields';
import { TextField } from '../../../components/ui/text-field';
import { useToast } from '../../../components/ui/toast';
import { apiErrorMessage } from '../../../lib/api-errors';
import { parseForm, type FieldErrors } from '../../../lib/form';
import { useSubmitReview } from '../api/submit-review';
import { reviewInputSchema, type Review, type ReviewInput } from '../schemas';

/** Loaded only for signed-in purchasers (React.lazy, from ./purchaser-review.tsx). */
export default function ReviewForm({ existing }: { existing: Review | undefined }) {
  const toast = useToast();
  const submit = useSubmitReview({ onSuccess: () => toast.show(existing ? 'Your review is updated.' : 'Thank you for your review.') });
  const [errors, setErrors] = useState<FieldErrors<ReviewInput>>({});
  return (
    <form
      noValidate
      aria-labelledby="review-form-title"
      className="space-y-4 rounded-lg border border-slate-200 bg-white p-4"
      onSubmit={(event) => {
        event.preventDefault();
        const parsed = parseForm(reviewInputSchema, event.currentTarget);
        if (!parsed.ok) return setErrors(parsed.fieldErrors);
        setErrors({});
        submit.mutate(parsed.data);
      }}
    >
      <h3 id="review-form-title" className="font-semibold">
        {existing ? 'Edit your review' : 'Write a review'}
      </h3>
      {submit.isError && <Alert tone="error">{apiErrorMessage(submit.error)}</Alert>}
      <fieldset aria-describedby={errors.rating ? 'review-rating-error' : undefined}>
        <legend className="text-sm font-medium text-slate-900">Rating</legend>
        <div className="mt-1 flex flex-wrap gap-3">
          {[5, 4, 3, 2, 1].map((stars) => (
            <label key={stars} className="flex min-h-6 items-center gap-1 text-sm">
              <input type="radio" name="rating" value={stars} defaultChecked={existing?.rating === stars} className="size-4 accent-blue-800" />
              {stars} star{stars === 1 ? '' : 's'}
            </label>
          ))}
        </div>
        {errors.rating && (
          <p id="review-rating-error" className="mt-1 text-sm text-red-800">
            {errors.rating}
          </p>
        )}
      </fieldset>
      <TextField label="Title" name="title" defaultValue={existing?.title} maxLength={120} error={errors.title} />
      <TextAreaField label="Your review" name="body" rows={4} defaultValue={existing?.body} error={errors.body} />
      <Button type="submit" pending={submit.isPending}>
        {existing ? 'Update review' : 'Submit review'}
      </Button>
    </form>
  );
}
