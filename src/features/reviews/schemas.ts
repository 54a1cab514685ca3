/** Loaded on demand (with the reviews request, or by the form): zod is not part of `/`'s first load. */
import * as z from 'zod/mini';

export const reviewSchema = z.object({
  id: z.string(),
  author_id: z.string(),
  author_name: z.string(),
  rating: z.number(),
  title: z.string(),
  body: z.string(),
  created_at: z.string(),
});
export type Review = z.infer<typeof reviewSchema>;
export const reviewListSchema = z.array(reviewSchema);

/** The review form and the `submit_review` arguments (the database checks the same limits). */
export const reviewInputSchema = z.object({
  rating: z.coerce.number({ error: 'Choose a rating from 1 to 5 stars.' }).check(
    z.int('Choose a rating from 1 to 5 stars.'),
    z.gte(1, 'Choose a rating from 1 to 5 stars.'),
    z.lte(5, 'Choose a rating from 1 to 5 stars.'),
  ),
  title: z.string().check(
    z.trim(),
    z.minLength(3, 'Give your review a title of at least 3 characters.'),
    z.maxLength(120, 'Keep the title to 120 characters.'),
  ),
  body: z.string().check(
    z.trim(),
    z.minLength(1, 'Write a few words about your experience.'),
    z.maxLength(5000, 'Keep the review to 5000 characters.'),
  ),
});
export type ReviewInput = z.output<typeof reviewInputSchema>;
