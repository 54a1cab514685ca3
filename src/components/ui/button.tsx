import type { ButtonHTMLAttributes } from 'react';
import { Spinner } from './spinner';

type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & {
  variant?: 'primary' | 'secondary' | 'ghost';
  /** Shows a spinner and disables the button while an action it started is running. */
  pending?: boolean;
};

const variants = {
  primary: 'bg-blue-800 text-white hover:bg-blue-900 focus-visible:outline-blue-800',
  secondary: 'border border-slate-300 bg-white text-slate-900 hover:bg-slate-50 focus-visible:outline-blue-800',
  ghost: 'text-slate-800 hover:bg-slate-100 focus-visible:outline-blue-800',
} as const;

export function Button({ variant = 'primary', pending = false, disabled, className = '', children, ...props }: ButtonProps) {
  return (
    <button
      type="button"
      {...props}
      disabled={disabled || pending}
      aria-busy={pending || undefined}
      className={`inline-flex min-h-10 items-center justify-center gap-2 rounded-md px-4 py-2 text-sm font-semibold focus-visible:outline-2 focus-visible:outline-offset-2 disabled:cursor-not-allowed disabled:opacity-60 ${variants[variant]} ${className}`}
    >
      {pending && <Spinner className="size-4" />}
      {children}
    </button>
  );
}
