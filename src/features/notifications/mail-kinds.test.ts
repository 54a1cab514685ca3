import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAIL_KINDS } from './mail-kinds';

/** The rows of app.mail_kinds as the schema's data file inserts them: kind, audience, optional, label. */
function catalogue() {
  const data = readFileSync(new URL('../../../supabase/schemas/notifications/data.sql', import.meta.url), 'utf8');
  const rows = [...data.matchAll(/\(\s*'([a-z_]+)',\s*'([a-z]+)',\s*(true|false),\s*'((?:[^']|'')*)'/g)];
  return rows.map(([, kind, audience, optional, label]) => ({ kind: kind!, audience: audience!, optional: optional === 'true', label: label!.replaceAll("''", "'") }));
}

describe('the mail kinds the unsubscribe page names', () => {
  it('are the catalogue’s, with its labels and whether they can be turned off', () => {
    const rows = catalogue();
    expect(rows.length, 'the data file was read').toBeGreaterThan(10);
    expect(Object.fromEntries(rows.map(({ kind, label, optional }) => [kind, { label, optional }]))).toEqual(MAIL_KINDS);
  });
});
