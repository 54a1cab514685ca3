import * as z from 'zod/mini';

/** Matches `[auth] minimum_password_length` in supabase/config.toml; the server enforces it too. */
export const MIN_PASSWORD_LENGTH = 8;
// Supabase Auth rejects longer passwords (bcrypt reads only 72 bytes).
const MAX_PASSWORD_LENGTH = 72;

const email = z.pipe(
  z.string({ error: 'Enter your email address.' }).check(
    z.trim(),
    z.toLowerCase(),
    z.minLength(1, { error: 'Enter your email address.' }),
  ),
  z.email({ error: 'Enter an email address like name@example.com.' }),
);

const newPassword = z.string({ error: 'Choose a password.' }).check(
  z.minLength(MIN_PASSWORD_LENGTH, { error: `Use at least ${MIN_PASSWORD_LENGTH} characters.` }),
  z.maxLength(MAX_PASSWORD_LENGTH, { error: `Use at most ${MAX_PASSWORD_LENGTH} characters.` }),
);

export const signInSchema = z.object({
  email,
  password: z.string({ error: 'Enter your password.' }).check(z.minLength(1, { error: 'Enter your password.' })),
});
export type SignInInput = z.infer<typeof signInSchema>;

export const signUpSchema = z.object({ email, password: newPassword });
export type SignUpInput = z.infer<typeof signUpSchema>;

export const passwordResetRequestSchema = z.object({ email });
export type PasswordResetRequestInput = z.infer<typeof passwordResetRequestSchema>;

export const newPasswordSchema = z.object({ password: newPassword });
export type NewPasswordInput = z.infer<typeof newPasswordSchema>;
