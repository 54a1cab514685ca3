const formatters = new Map<string, Intl.NumberFormat>();

/**
 * "$100.00" — minor units in the currency's own format. One formatter per currency, made on first use:
 * creating an Intl.NumberFormat costs more than formatting with one, and tables call this per row.
 */
export function formatMoney(cents: number, currency: string): string {
  const code = currency.toUpperCase();
  let formatter = formatters.get(code);
  if (!formatter) {
    formatter = new Intl.NumberFormat('en-US', { style: 'currency', currency: code });
    formatters.set(code, formatter);
  }
  return formatter.format(cents / 100);
}
