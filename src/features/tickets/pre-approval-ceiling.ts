/**
 * What the pre-approval ceiling field shows: the customer's own entry once they have typed one (even an
 * empty one), otherwise the default read from the server, which may arrive after the field appears.
 * Taking the default only while the field is untouched keeps a late default from replacing a typed
 * ceiling, which would silently let larger assessments be charged without asking.
 */
export function shownCeiling(typed: string | undefined, defaultCeiling: number | null | undefined): string {
  if (typed !== undefined) return typed;
  return defaultCeiling == null ? '' : String(defaultCeiling);
}
