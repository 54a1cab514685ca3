import { useId, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';
import { Field, fieldAria } from './field';

const control =
  'mt-1 block w-full rounded-md border border-slate-400 bg-white px-3 py-2 text-base text-slate-900 shadow-xs focus:border-blue-800 focus:outline-2 focus:outline-blue-800 aria-invalid:border-red-700';

type Common = { label: string; name: string; description?: ReactNode; error?: string | undefined; className?: string };

export function TextAreaField({ label, description, error, className = '', ...props }: Common & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const id = useId();
  return (
    <Field id={id} label={label} description={description} error={error} className={className}>
      <textarea id={id} rows={6} {...props} {...fieldAria(id, description, error)} className={control} />
    </Field>
  );
}

export function SelectField({
  label,
  description,
  error,
  className = '',
  children,
  ...props
}: Common & SelectHTMLAttributes<HTMLSelectElement>) {
  const id = useId();
  return (
    <Field id={id} label={label} description={description} error={error} className={className}>
      <select id={id} {...props} {...fieldAria(id, description, error)} className={control}>
        {children}
      </select>
    </Field>
  );
}
