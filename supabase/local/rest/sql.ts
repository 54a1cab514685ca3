/** Small helpers for building SQL text with bound parameters and quoted identifiers. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function qualified(schema: string, name: string): string {
  return `${ident(schema)}.${ident(name)}`;
}

/** An escape-string literal: correct whatever `standard_conforming_strings` says. */
export function literal(value: string): string {
  return `E'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** Every value from the request is a bound parameter (`$n`); identifiers are quoted by `ident`. */
export class SqlParams {
  readonly values: unknown[] = [];
  private aliasCounter = 0;

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  alias(base: string): string {
    this.aliasCounter += 1;
    return `${base}_${this.aliasCounter}`;
  }
}
