import * as z from 'zod/mini';

const int = (label: string, min: number, max: number) =>
  z.coerce
    .number(`${label} must be a number.`)
    .check(z.int(`${label} must be a whole number.`), z.gte(min, `${label} must be at least ${min}.`), z.lte(max, `${label} must be at most ${max}.`));

/** A package as the admin edits it: price in dollars (two decimals), credits, sort order, active. */
export const packageFormSchema = z.object({
  name: z.string().check(z.trim(), z.minLength(1, 'Give the package a name.'), z.maxLength(100, 'At most 100 characters.')),
  price: z.string().check(z.regex(/^\d{1,6}(\.\d{1,2})?$/, 'Enter a price like 100 or 99.50.'), z.refine((v) => Number(v) > 0, 'The price must be more than 0.')),
  credits: int('Credits', 1, 100000),
  sort_order: int('Order', -1000, 1000),
  active: z.boolean(),
});
export type PackageForm = z.output<typeof packageFormSchema>;

export const categoryCreditsSchema = int('Credits', 1, 100000);

export const releaseFormSchema = z.object({
  version: z.string().check(z.trim(), z.regex(/^[0-9]{1,4}(\.[0-9]{1,4}){1,3}$/, 'Enter a version like 4.4.3.')),
  released_on: z.string().check(z.regex(/^(\d{4}-\d{2}-\d{2})?$/, 'Enter a date like 2026-11-27, or leave it empty.')),
});

export const adjustmentSchema = z.object({
  amount: z.coerce
    .number('Enter a number of credits.')
    .check(z.int('Enter whole credits.'), z.refine((v) => v !== 0, 'Enter a non-zero number of credits (negative to remove).'), z.gte(-1000000, 'At most 1000000 either way.'), z.lte(1000000, 'At most 1000000 either way.')),
  note: z.string().check(z.trim(), z.minLength(3, 'A note of at least 3 characters is required: it explains the change on the statement.'), z.maxLength(500, 'At most 500 characters.')),
});

export const ROLES = ['customer', 'engineer', 'admin'] as const;
