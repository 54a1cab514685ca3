import { useState, type FormEvent } from 'react';
import type * as z from 'zod/mini';
import { parseForm, type FieldErrors } from '../../../lib/form';

/**
 * Client-side validation for an auth form: on submit, parses with the operation's schema and either
 * calls `onValid` or shows one message per field and moves focus to the first invalid input.
 */
export function useFormErrors<Schema extends z.ZodMiniType<Record<string, unknown>>>(
  schema: Schema,
  onValid: (data: z.output<Schema>) => void,
) {
  const [fieldErrors, setFieldErrors] = useState<FieldErrors<z.output<Schema>>>({});

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const parsed = parseForm(schema, form);
    if (!parsed.ok) {
      setFieldErrors(parsed.fieldErrors);
      const first = Object.keys(parsed.fieldErrors)[0];
      const input = first ? form.elements.namedItem(first) : null;
      if (input instanceof HTMLElement) input.focus();
      return;
    }
    setFieldErrors({});
    onValid(parsed.data);
  };

  return { fieldErrors, onSubmit };
}
