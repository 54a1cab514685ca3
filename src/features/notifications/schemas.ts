import * as z from 'zod/mini';

/** How a person wants one kind of mail: each time it happens, rolled into one daily mail, or not at all. */
export const DELIVERY_CHOICES = ['immediately', 'daily', 'never'] as const;
export type Delivery = (typeof DELIVERY_CHOICES)[number];

export const DELIVERY_LABELS: Record<Delivery, string> = {
  immediately: 'Immediately',
  daily: 'Daily digest',
  never: 'Never',
};

const kind = z.string().check(z.regex(/^[a-z][a-z_]{0,62}$/, 'Not a kind of e-mail.'));

/** The preferences page's change and set_notification_preference's arguments share it. */
export const preferenceInputSchema = z.object({ kind, delivery: z.enum(DELIVERY_CHOICES) });
export type PreferenceInput = z.output<typeof preferenceInputSchema>;

/**
 * An unsubscribe link's query: `/unsubscribe?token=…&kind=…`. The token is the long random string the
 * mail carries; its shape is checked here only so a truncated link is named as such before anything is
 * sent — the database decides whether it is valid.
 */
export const unsubscribeLinkSchema = z.object({
  token: z.string().check(z.trim(), z.minLength(16, 'The link is incomplete.'), z.maxLength(200, 'The link is not one of ours.')),
  kind,
});
export type UnsubscribeLink = z.output<typeof unsubscribeLinkSchema>;

/** What unsubscribe_by_token answers. */
export const unsubscribeResultSchema = z.object({ kind: z.string(), label: z.string(), delivery: z.literal('never') });
