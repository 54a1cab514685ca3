/**
 * The one way a ticket category code (`code_modification`) is shown to people: the catalogue's name
 * for it ("Code modification") or, where the catalogue is not at hand or no longer lists the code, the
 * code in words. Codes are identifiers, never text for a screen.
 */
export interface NamedCategory {
  code: string;
  name: string;
}

/** "code_modification" → "Code modification". */
export function humanizeCode(code: string): string {
  const words = code.replace(/[_-]+/g, ' ').trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : code;
}

export function categoryLabel(code: string, categories: readonly NamedCategory[] = []): string {
  return categories.find((category) => category.code === code)?.name ?? humanizeCode(code);
}

/** A `(code) => label` for components that name many categories. */
export const categoryNamer =
  (categories: readonly NamedCategory[] = []) =>
  (code: string): string =>
    categoryLabel(code, categories);
