import type { ReactNode } from 'react';

const tones = {
  error: 'border-red-300 bg-red-50 text-red-900',
  success: 'border-green-300 bg-green-50 text-green-900',
  info: 'border-blue-200 bg-blue-50 text-blue-950',
} as const;

/**
 * A message box. Errors use role="alert" so screen readers announce them as they appear; the others are
 * polite status messages.
 */
export function Alert({ tone, title, children }: { tone: keyof typeof tones; title?: string; children: ReactNode }) {
  return (
    <div role={tone === 'error' ? 'alert' : 'status'} className={`rounded-md border px-4 py-3 text-sm ${tones[tone]}`}>
      {title && <p className="font-semibold">{title}</p>}
      <div className={title ? 'mt-1' : undefined}>{children}</div>
    </div>
  );
}
