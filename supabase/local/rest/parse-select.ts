/**
 * PostgREST's `select=` grammar: columns, `*`, `alias:col`, `col::type`, JSON paths (`col->a->>b`),
 * aggregates (`col.sum()`, `count()`, casts before and after), embeds `alias:table!hint!inner(...)`
 * and spreads `...table(...)`. Anything else is a PGRST100.
 */
import { parseError } from './errors.ts';

export interface JsonStep {
  arrow: '->' | '->>';
  key: string;
}

export interface FieldRef {
  name: string;
  path: JsonStep[];
}

export type AggregateName = 'count' | 'sum' | 'avg' | 'min' | 'max';

export type SelectItem =
  | { kind: 'star' }
  | { kind: 'column'; field: FieldRef; alias?: string; cast?: string }
  /** `alias:col::cast.sum()::cast`; `count()` has no field. */
  | { kind: 'aggregate'; fn: AggregateName; field?: FieldRef; alias?: string; cast?: string; resultCast?: string }
  | { kind: 'embed'; name: string; alias?: string; hint?: string; join?: 'inner' | 'left'; spread: boolean; items: SelectItem[] };

/** Characters of an unquoted identifier; `-` is allowed when it does not start `->`. */
const identChar = /[\p{L}\p{N}_$]/u;
const castPattern = /^[A-Za-z_][A-Za-z0-9_ ]*(\[\])?$/;

export class Scanner {
  pos = 0;
  constructor(readonly text: string, readonly what: string) {}

  peek(n = 0): string {
    return this.text[this.pos + n] ?? '';
  }
  startsWith(token: string): boolean {
    return this.text.startsWith(token, this.pos);
  }
  eat(token: string): boolean {
    if (!this.startsWith(token)) return false;
    this.pos += token.length;
    return true;
  }
  /** Spaces around items are allowed (supabase-js strips them, curl users often do not). */
  skipSpaces(): void {
    while (this.peek() === ' ') this.pos += 1;
  }
  done(): boolean {
    return this.pos >= this.text.length;
  }
  fail(expected: string): never {
    const found = this.done() ? 'end of input' : `"${this.peek()}"`;
    throw parseError(`"failed to parse ${this.what} (${this.text})"`,
      `unexpected ${found} at position ${this.pos + 1}, expecting ${expected}`);
  }

  /** An identifier: `"quoted ""name"""` or letters, digits, `_`, `$` and inner `-`. */
  identifier(): string {
    if (this.peek() === '"') {
      this.pos += 1;
      let out = '';
      for (;;) {
        if (this.done()) this.fail('closing quote');
        const ch = this.peek();
        this.pos += 1;
        if (ch === '"') {
          if (this.peek() === '"') {
            out += '"';
            this.pos += 1;
          } else break;
        } else out += ch;
      }
      if (out === '') this.fail('an identifier');
      return out;
    }
    const start = this.pos;
    while (!this.done()) {
      const ch = this.peek();
      if (identChar.test(ch) || (ch === '-' && this.peek(1) !== '>' && identChar.test(this.peek(1)))) {
        this.pos += 1;
      } else break;
    }
    if (this.pos === start) this.fail('an identifier');
    return this.text.slice(start, this.pos);
  }

  /** A column with optional JSON path: `col`, `col->a->>b`, `col->0`. */
  field(): FieldRef {
    return fieldAfterName(this, this.identifier());
  }
}

export function parseSelect(text: string): SelectItem[] {
  const scanner = new Scanner(text, 'select parameter');
  const items = parseItems(scanner, 0);
  if (!scanner.done()) scanner.fail('"," or end of input');
  return items;
}

function parseItems(s: Scanner, depth: number): SelectItem[] {
  const items: SelectItem[] = [];
  if (depth > 0 && s.peek() === ')') return items;
  do {
    s.skipSpaces();
    items.push(parseItem(s, depth));
    s.skipSpaces();
  } while (s.eat(','));
  return items;
}

function parseItem(s: Scanner, depth: number): SelectItem {
  if (s.eat('*')) return { kind: 'star' };
  if (s.eat('...')) {
    const embed = parseEmbedTail(s, s.identifier(), undefined, depth);
    if (!embed) s.fail('"(" after a spread');
    return { ...embed, spread: true };
  }
  let alias: string | undefined;
  const first = s.identifier();
  let name = first;
  if (s.peek() === ':' && s.peek(1) !== ':') {
    s.pos += 1;
    alias = first;
    if (s.eat('...')) s.fail('an embed or column (a spread cannot have an alias)');
    name = s.identifier();
  }
  if (name === 'count' && s.eat('()')) {
    return { kind: 'aggregate', fn: 'count', alias, resultCast: parseCast(s) };
  }
  if (s.peek() === '(' || s.peek() === '!') {
    const embed = parseEmbedTail(s, name, alias, depth);
    if (embed) return embed;
  }
  const field = fieldAfterName(s, name);
  const cast = parseCast(s);
  if (s.eat('.')) {
    const fn = s.identifier();
    if (!aggregates.has(fn) || !s.eat('()')) s.fail('an aggregate: count(), sum(), avg(), min() or max()');
    return { kind: 'aggregate', fn: fn as AggregateName, field, alias, cast, resultCast: parseCast(s) };
  }
  return { kind: 'column', field, alias, cast };
}

const aggregates = new Set(['count', 'sum', 'avg', 'min', 'max']);

/** `::type` (letters, digits, spaces, `[]`), or nothing. */
function parseCast(s: Scanner): string | undefined {
  if (!s.eat('::')) return undefined;
  const start = s.pos;
  while (!s.done() && /[A-Za-z0-9_ [\]]/.test(s.peek())) s.pos += 1;
  const cast = s.text.slice(start, s.pos).trim();
  if (!castPattern.test(cast)) s.fail('a type name');
  return cast;
}

/** The scanner sits just past a column's name; read any JSON path after it. */
export function fieldAfterName(s: Scanner, name: string): FieldRef {
  const path: JsonStep[] = [];
  while (s.startsWith('->')) {
    const arrow = s.eat('->>') ? '->>' : (s.eat('->'), '->');
    const key = s.peek() === '-' && /\d/.test(s.peek(1)) ? (s.pos += 1, `-${s.identifier()}`) : s.identifier();
    path.push({ arrow, key });
  }
  return { name, path };
}

function parseEmbedTail(s: Scanner, name: string, alias: string | undefined, depth: number) {
  let hint: string | undefined;
  let join: 'inner' | 'left' | undefined;
  while (s.eat('!')) {
    const word = s.identifier();
    if (word === 'inner' || word === 'left') join = word;
    else if (hint === undefined) hint = word;
    else s.fail('"inner" or "left"');
  }
  if (!s.eat('(')) {
    if (hint !== undefined || join !== undefined) s.fail('"("');
    return undefined;
  }
  if (depth > 8) s.fail('less nesting');
  const items = parseItems(s, depth + 1);
  if (!s.eat(')')) s.fail('")"');
  return { kind: 'embed' as const, name, alias, hint, join, spread: false, items };
}
