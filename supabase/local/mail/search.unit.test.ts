/** Mailpit's search grammar as the catcher reads it: fields, quotes, flags, negation, free text. */
import { describe, expect, it } from 'vitest';
import { matches, parseSearchQuery, type Searchable } from './search.ts';

const message: Searchable = {
  to: 'ann anne@example.com',
  from: 'admin admin@email.com',
  cc: 'bob bob@example.com',
  bcc: ' hidden@example.com',
  subject: 'confirm your signup',
  messageId: 'abc@local',
  text: 'ann anne@example.com\nconfirm your signup\nfollow this link',
  read: false,
  attachments: 1,
};

const search = (query: string) => matches(parseSearchQuery(query), message);

describe('parseSearchQuery', () => {
  it('reads field terms with and without quotes, lower-cased', () => {
    expect(parseSearchQuery('to:"Anne@Example.com" subject:Confirm')).toEqual([
      { kind: 'field', field: 'to', value: 'anne@example.com', negate: false },
      { kind: 'field', field: 'subject', value: 'confirm', negate: false },
    ]);
  });

  it('keeps a quoted phrase with spaces as one term', () => {
    expect(parseSearchQuery('subject:"your signup" "this link"')).toEqual([
      { kind: 'field', field: 'subject', value: 'your signup', negate: false },
      { kind: 'field', field: 'text', value: 'this link', negate: false },
    ]);
  });

  it('reads flags and negation', () => {
    expect(parseSearchQuery('is:unread -is:read has:attachment !from:x')).toEqual([
      { kind: 'flag', flag: 'unread', negate: false },
      { kind: 'flag', flag: 'read', negate: true },
      { kind: 'flag', flag: 'attachment', negate: false },
      { kind: 'field', field: 'from', value: 'x', negate: true },
    ]);
  });

  it('treats unknown prefixes and empty values as free text', () => {
    expect(parseSearchQuery('foo:bar to:')).toEqual([
      { kind: 'field', field: 'text', value: 'foo:bar', negate: false },
      { kind: 'field', field: 'text', value: 'to:', negate: false },
    ]);
  });

  it('refuses an unclosed quote', () => {
    expect(() => parseSearchQuery('to:"anne@example.com')).toThrow('unclosed quote');
  });
});

describe('matches', () => {
  it('matches each field by substring and needs every term', () => {
    expect(search('to:anne@example.com')).toBe(true);
    expect(search('to:bob@example.com')).toBe(false);
    expect(search('cc:bob@example.com')).toBe(true);
    expect(search('bcc:hidden@')).toBe(true);
    expect(search('from:"admin@email.com" subject:"confirm your"')).toBe(true);
    expect(search('from:"admin@email.com" subject:"reset"')).toBe(false);
    expect(search('message-id:abc@local')).toBe(true);
  });

  it('matches free text in headers and bodies', () => {
    expect(search('"follow this link"')).toBe(true);
    expect(search('nowhere')).toBe(false);
  });

  it('honours flags and negation', () => {
    expect(search('is:unread')).toBe(true);
    expect(search('is:read')).toBe(false);
    expect(search('-is:read')).toBe(true);
    expect(search('has:attachment')).toBe(true);
    expect(matches(parseSearchQuery('has:attachment'), { ...message, attachments: 0 })).toBe(false);
    expect(search('-to:anne')).toBe(false);
  });

  it('matches everything with no terms', () => {
    expect(search('')).toBe(true);
  });
});
