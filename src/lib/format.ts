/**
 * Dates as the customer pages show them: en-US, in the viewer's time zone, exactly as
 * `Intl.DateTimeFormat('en-US', …)` writes them (src/lib/format.test.ts compares the two).
 *
 * Written out rather than through Intl on purpose: the first Intl.DateTimeFormat a page creates loads
 * the locale's calendar data, ~50 ms of main thread (~200 ms at the 4× CPU throttling LCP is measured
 * with; bench/README.md) — in the middle of the portal's first render, which shows dates. The Date
 * getters below read the same time zone and cost nothing. The customer pages are English-only; a page
 * that should follow the viewer's locale uses Intl (the staff area does).
 */
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

function parts(iso: string) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new RangeError(`Not a date: ${JSON.stringify(iso)}`);
  const month = MONTHS[date.getMonth()] ?? '';
  const hours = date.getHours();
  return {
    longDate: `${month} ${date.getDate()}, ${date.getFullYear()}`,
    mediumDate: `${month.slice(0, 3)} ${date.getDate()}, ${date.getFullYear()}`,
    time: `${hours % 12 || 12}:${String(date.getMinutes()).padStart(2, '0')} ${hours < 12 ? 'AM' : 'PM'}`,
  };
}

/** "Nov 27, 2026, 3:12 PM" (dateStyle medium, timeStyle short) */
export function formatDateTime(iso: string): string {
  const { mediumDate, time } = parts(iso);
  return `${mediumDate}, ${time}`;
}

/** "Nov 27, 2026" (dateStyle medium) */
export function formatDate(iso: string): string {
  return parts(iso).mediumDate;
}

/** "November 27, 2026 at 3:12 PM" (dateStyle long, timeStyle short; receipts) */
export function formatLongDateTime(iso: string): string {
  const { longDate, time } = parts(iso);
  return `${longDate} at ${time}`;
}

/** "1 credit", "5 credits" (and "-1 credit"). */
export function formatCredits(amount: number): string {
  return `${amount} ${Math.abs(amount) === 1 ? 'credit' : 'credits'}`;
}

/**
 * Text ending as a sentence: a full stop is added unless it already ends in one (or in ! ? …, possibly
 * inside closing quotes or brackets). Reasons and notes people type often end with their own period.
 */
export function sentence(text: string): string {
  const trimmed = text.trimEnd();
  if (trimmed === '') return trimmed;
  return /[.!?…]["'”’)\]]*$/.test(trimmed) ? trimmed : `${trimmed}.`;
}
