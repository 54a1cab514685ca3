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
