import { useId, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';

const control =
  'mt-1 block w-full rounded-md border border-slate-400 bg-white px-3 py-2 text-base text-slate-900 shadow-xs focus:border-blue-800 focus:outline-2 focus:outline-blue-800 aria-invalid:border-red-700';

function Described({ id, description, error }: { id: string; description?: ReactNode; error?: string | undefined }) {
  return (
    <>
      {description && (
        <p id={`${id}-description`} className="mt-1 text-sm text-slate-600">
          {description}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-800">
          {error}
        </p>
      )}
    </>
  );
}

const describedBy = (id: string, description: unknown, error: unknown) =>
  [description && `${id}-description`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;

type Common = { label: string; name: string; description?: ReactNode; error?: string | undefined; className?: string };

export function TextAreaField({ label, description, error, className = '', ...props }: Common & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const id = useId();
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-900">
        {label}
      </label>
      <textarea
        id={id}
        rows={6}
        {...props}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, description, error)}
        className={control}
      />
      <Described id={id} description={description} error={error} />
    </div>
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
    <div className={className}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-900">
        {label}
      </label>
      <select
        id={id}
        {...props}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, description, error)}
        className={control}
      >
        {children}
      </select>
      <Described id={id} description={description} error={error} />
    </div>
  );
}
