/**
 * Dates as the customer pages show them (en-US). `Date#toLocaleString(locale, options)` builds a new
 * Intl.DateTimeFormat on every call, which is slow enough to show in a page's first render; these build
 * one formatter each, on first use.
 */
function formatter(options: Intl.DateTimeFormatOptions): (iso: string) => string {
  let format: Intl.DateTimeFormat | undefined;
  return (iso) => (format ??= new Intl.DateTimeFormat('en-US', options)).format(new Date(iso));
}

/** "Nov 27, 2026, 3:12 PM" */
export const formatDateTime = formatter({ dateStyle: 'medium', timeStyle: 'short' });

/** "Nov 27, 2026" */
export const formatDate = formatter({ dateStyle: 'medium' });

/** "November 27, 2026 at 3:12 PM" (receipts) */
export const formatLongDateTime = formatter({ dateStyle: 'long', timeStyle: 'short' });
