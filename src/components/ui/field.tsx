import type { ReactNode } from 'react';

/**
 * The frame every form field shares: its label, then the control, then the hint and the error, each
 * with an id the control points at through `aria-describedby` so screen readers read them with it.
 * The controls themselves (input, textarea, select) stay with their own components.
 */
export function Field({
  id,
  label,
  description,
  error,
  className = '',
  children,
}: {
  id: string;
  label: string;
  description?: ReactNode;
  error?: string | undefined;
  className?: string;
  children: ReactNode;
}) {
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-900">
        {label}
      </label>
      {children}
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
    </div>
  );
}

/** The control's `aria-invalid` and `aria-describedby`, matching the ids `Field` gives the hint and the error. */
export const fieldAria = (id: string, description: unknown, error: unknown) => ({
  'aria-invalid': error ? true : undefined,
  'aria-describedby': [description && `${id}-description`, error && `${id}-error`].filter(Boolean).join(' ') || undefined,
});
