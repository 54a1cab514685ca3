/**
 * Mailpit's search grammar, the part tests use: `to:"a@b.c"`, `from:`, `cc:`, `bcc:`, `subject:`,
 * `message-id:`, `is:read`/`is:unread`, `has:attachment`, free words and "quoted phrases"; a leading `-` or
 * `!` negates a term. Every term must match (AND), case-insensitively, as substrings, as in Mailpit.
 */

export type SearchField = 'to' | 'from' | 'cc' | 'bcc' | 'subject' | 'message-id' | 'text';

export type SearchTerm =
  | { kind: 'field'; field: SearchField; value: string; negate: boolean }
  | { kind: 'flag'; flag: 'read' | 'unread' | 'attachment'; negate: boolean };

const FIELDS = new Set<string>(['to', 'from', 'cc', 'bcc', 'subject', 'message-id']);

export class SearchQueryError extends Error {}

/** Splits on spaces outside double quotes; quotes are removed, the text inside them kept as is. */
function tokens(query: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  let started = false;
  for (const char of query) {
    if (char === '"') {
      quoted = !quoted;
      started = true;
    } else if (!quoted && /\s/.test(char)) {
      if (started) out.push(current);
      current = '';
      started = false;
    } else {
      current += char;
      started = true;
    }
  }
  if (quoted) throw new SearchQueryError(`search query has an unclosed quote: ${query}`);
  if (started) out.push(current);
  return out.filter((token) => token !== '');
}

export function parseSearchQuery(query: string): SearchTerm[] {
  return tokens(query.trim()).map((token): SearchTerm => {
    let negate = false;
    if (token.length > 1 && (token.startsWith('-') || token.startsWith('!'))) {
      negate = true;
      token = token.slice(1);
    }
    const colon = token.indexOf(':');
    if (colon > 0) {
      const prefix = token.slice(0, colon).toLowerCase();
      const value = token.slice(colon + 1);
      if (FIELDS.has(prefix) && value !== '') return { kind: 'field', field: prefix as SearchField, value: value.toLowerCase(), negate };
      if (prefix === 'is' && (value.toLowerCase() === 'read' || value.toLowerCase() === 'unread')) {
        return { kind: 'flag', flag: value.toLowerCase() as 'read' | 'unread', negate };
      }
      if (prefix === 'has' && /^attachments?$/i.test(value)) return { kind: 'flag', flag: 'attachment', negate };
    }
    return { kind: 'field', field: 'text', value: token.toLowerCase(), negate };
  });
}

/** What a message offers to the search, already lower-cased. */
export interface Searchable {
  to: string;
  from: string;
  cc: string;
  bcc: string;
  subject: string;
  messageId: string;
  /** Headers' addresses and subject plus the text and HTML bodies. */
  text: string;
  read: boolean;
  attachments: number;
}

function matchesOne(term: SearchTerm, message: Searchable): boolean {
  if (term.kind === 'flag') {
    if (term.flag === 'attachment') return message.attachments > 0;
    return term.flag === 'read' ? message.read : !message.read;
  }
  const haystack = term.field === 'message-id' ? message.messageId : message[term.field];
  return haystack.includes(term.value);
}

export function matches(terms: SearchTerm[], message: Searchable): boolean {
  return terms.every((term) => matchesOne(term, message) !== term.negate);
}
