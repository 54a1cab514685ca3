import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { MailFailure } from '../api/mail-failures';
import { MailFailureTable } from './mail-failure-table';

const failure = (over: Partial<MailFailure>): MailFailure => ({
  id: 1,
  kind: 'quote_ready',
  to_email: 'cora@example.test',
  status: 'dead',
  attempts: 6,
  last_error: '550 mailbox unavailable',
  created_at: '2026-12-04T10:00:00Z',
  updated_at: '2026-12-04T11:00:00Z',
  ...over,
});

const render = (failures: MailFailure[]) => renderToStaticMarkup(<MailFailureTable failures={failures} onRetry={() => undefined} />);
const rowOf = (html: string, id: number) => new RegExp(`<tr data-mail-id="${id}">.*?</tr>`, 's').exec(html)?.[0] ?? '';

describe('the mail problems table', () => {
  it('shows each failure with its kind, recipient, status, attempts and last error, and a Retry per row', () => {
    const html = render([failure({}), failure({ id: 2, kind: 'new_ticket', to_email: 'eve@example.test', status: 'unknown', attempts: 1, last_error: '' })]);
    const dead = rowOf(html, 1);
    expect(dead).toContain('Quote ready');
    expect(dead).toContain('cora@example.test');
    expect(dead).toContain('Dead');
    expect(dead).toContain('>6<');
    expect(dead).toContain('550 mailbox unavailable');
    expect(dead).toContain('aria-label="Retry the quote ready e-mail to cora@example.test"');

    const unknown = rowOf(html, 2);
    expect(unknown).toContain('Unknown');
    expect(unknown).toContain('The worker stopped mid-send; it may have been delivered.');
    expect(unknown).toContain('—');
    expect(unknown).toContain('aria-label="Retry the new ticket e-mail to eve@example.test"');
  });

  it('says when there is nothing wrong', () => {
    const html = render([]);
    expect(html).toContain('No mail problems');
    expect(html).not.toContain('<table');
  });
});
