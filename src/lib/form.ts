import type * as z from 'zod/mini';

export type FieldErrors<T> = Partial<Record<keyof T & string, string>>;

export type ParsedForm<T> = { ok: true; data: T } | { ok: false; fieldErrors: FieldErrors<T> };

/** Validates a submitted form with the same zod schema the API call uses; one message per field. */
export function parseForm<Schema extends z.ZodMiniType<Record<string, unknown>>>(
  schema: Schema,
  form: HTMLFormElement,
): ParsedForm<z.output<Schema>> {
  const result = schema.safeParse(Object.fromEntries(new FormData(form)));
  if (result.success) return { ok: true, data: result.data };
  const fieldErrors: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const field = issue.path[0];
    if (typeof field === 'string' && !(field in fieldErrors)) fieldErrors[field] = issue.message;
  }
  return { ok: false, fieldErrors: fieldErrors as FieldErrors<z.output<Schema>> };
}

/**
 * The errors a form should still show after an edit: each field that shows one is checked again against
 * the current values — fixed fields lose their message, the rest show the current one. Fields without
 * a message get none until the next submit (no scolding while someone is still typing). Returns `shown`
 * itself when nothing changed.
 */
export function unresolvedErrors<Schema extends z.ZodMiniType<Record<string, unknown>>>(
  schema: Schema,
  values: Record<string, unknown>,
  shown: FieldErrors<z.output<Schema>>,
): FieldErrors<z.output<Schema>> {
  const fields = Object.keys(shown);
  if (fields.length === 0) return shown;
  const result = schema.safeParse(values);
  const now: Record<string, string> = {};
  if (!result.success) {
    for (const issue of result.error.issues) {
      const field = issue.path[0];
      if (typeof field === 'string' && fields.includes(field) && !(field in now)) now[field] = issue.message;
    }
  }
  const same = fields.length === Object.keys(now).length && fields.every((field) => now[field] === (shown as Record<string, string>)[field]);
  return same ? shown : (now as FieldErrors<z.output<Schema>>);
}

/** `unresolvedErrors` over the form's current values: for a form's onChange. */
export function revalidateShownErrors<Schema extends z.ZodMiniType<Record<string, unknown>>>(
  schema: Schema,
  form: HTMLFormElement,
  shown: FieldErrors<z.output<Schema>>,
): FieldErrors<z.output<Schema>> {
  if (Object.keys(shown).length === 0) return shown;
  return unresolvedErrors(schema, Object.fromEntries(new FormData(form)), shown);
}
