import * as z from 'zod/mini';

export const DISPLAY_NAME_MAX = 200;

/** Mirrors the database's app.looks_like_email(): an e-mail-shaped token anywhere in the text. */
export const looksLikeEmail = (text: string) => /[^\s@]+@[^\s@]+\.[^\s@]+/.test(text);

/** The settings form and the profile update share it (the database refuses the same things). */
export const displayNameInputSchema = z.object({
  full_name: z.string().check(
    z.trim(),
    z.minLength(1, 'Enter the name to show on your reviews.'),
    z.maxLength(DISPLAY_NAME_MAX, `Keep your name to ${DISPLAY_NAME_MAX} characters.`),
    z.refine((name) => !looksLikeEmail(name), 'Use a name, not an e-mail address: your display name is shown on your reviews.'),
  ),
});
export type DisplayNameInput = z.output<typeof displayNameInputSchema>;
