import { useId, type InputHTMLAttributes } from 'react';
import { Field, fieldAria } from './field';

type TextFieldProps = InputHTMLAttributes<HTMLInputElement> & {
  label: string;
  name: string;
  /** A hint shown under the input, read with it by screen readers. */
  description?: string;
  error?: string | undefined;
};

export function TextField({ label, description, error, className = '', ...inputProps }: TextFieldProps) {
  const id = useId();
  return (
    <Field id={id} label={label} description={description} error={error} className={className}>
      <input
        id={id}
        {...inputProps}
        {...fieldAria(id, description, error)}
        className="mt-1 block w-full rounded-md border border-slate-400 bg-white px-3 py-2 text-base text-slate-900 shadow-xs placeholder:text-slate-500 focus:border-blue-800 focus:outline-2 focus:outline-blue-800 aria-invalid:border-red-700"
      />
    </Field>
  );
}
