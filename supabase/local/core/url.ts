/**
 * Percent-decoding that cannot throw: `decodeURIComponent` throws on `%ZZ` or on escapes that are
 * not UTF-8 (`%FF`), and an uncaught throw there answered 500.
 */
export function percentDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
