/**
 * Mailpit's HTTP API (the routes tests use, with its field names and shapes) and a small web UI. No
 * auth and CORS open to any origin, as Mailpit runs under the Supabase CLI.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { simpleParser } from 'mailparser';
import { matches, parseSearchQuery, SearchQueryError } from './search.ts';
import { searchable, type MailStore, type StoredMessage } from './store.ts';

interface Reply {
  status: number;
  type?: string;
  body: string | Buffer;
  headers?: Record<string, string>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const text = (status: number, body: string): Reply => ({ status, type: 'text/plain; charset=utf-8', body });
const jsonReply = (body: unknown): Reply => ({ status: 200, type: 'application/json; charset=utf-8', body: JSON.stringify(body) });

function summary(message: StoredMessage) {
  return {
    ID: message.ID,
    MessageID: message.MessageID,
    Read: message.Read,
    From: message.From,
    To: message.To,
    Cc: message.Cc,
    Bcc: message.Bcc,
    ReplyTo: message.ReplyTo,
    Subject: message.Subject,
    Created: message.Created,
    Tags: message.Tags,
    Size: message.Size,
    Attachments: message.Attachments.length,
    Snippet: message.Snippet,
  };
}

function fullMessage(message: StoredMessage) {
  return {
    ID: message.ID,
    MessageID: message.MessageID,
    From: message.From,
    To: message.To,
    Cc: message.Cc,
    Bcc: message.Bcc,
    ReplyTo: message.ReplyTo,
    ReturnPath: message.ReturnPath,
    Subject: message.Subject,
    ListUnsubscribe: message.ListUnsubscribe,
    Date: message.Date,
    Tags: message.Tags,
    Text: message.Text,
    HTML: message.HTML,
    Size: message.Size,
    Inline: message.Inline,
    Attachments: message.Attachments,
  };
}

function whole(value: string | null, name: string, fallback: number): number {
  if (value === null || value === '') return fallback;
  if (!/^\d+$/.test(value)) throw new HttpError(400, `${name} must be a whole number, got "${value}"`);
  return Number(value);
}

function page(store: MailStore, all: StoredMessage[], query: URLSearchParams) {
  const start = whole(query.get('start'), 'start', 0);
  const limit = whole(query.get('limit'), 'limit', 50);
  const messages = all.slice(start, start + limit);
  const everything = store.list();
  return {
    total: everything.length,
    unread: everything.filter((message) => !message.Read).length,
    count: messages.length,
    messages_count: all.length,
    start,
    tags: [],
    messages: messages.map(summary),
  };
}

function search(store: MailStore, query: URLSearchParams): StoredMessage[] {
  const q = query.get('query') ?? '';
  if (q.trim() === '') throw new HttpError(400, 'no search query: give ?query=…, e.g. to:"someone@example.com"');
  let terms;
  try {
    terms = parseSearchQuery(q);
  } catch (error) {
    if (error instanceof SearchQueryError) throw new HttpError(400, error.message);
    throw error;
  }
  return store.list().filter((message) => matches(terms, searchable(message)));
}

function found(store: MailStore, id: string): StoredMessage {
  const message = store.get(id);
  if (!message) throw new HttpError(404, 'message not found');
  return message;
}

/** `{"IDs":[…]}`; no body, `{}` or empty `IDs` mean every message, as in Mailpit. */
function idsToDelete(body: Buffer): string[] | 'all' {
  if (body.toString().trim() === '') return 'all';
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString());
  } catch {
    throw new HttpError(400, 'request body is not JSON: send {"IDs":["…"]}, or no body to delete every message');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new HttpError(400, 'request body must be a JSON object like {"IDs":["…"]}');
  const ids = (parsed as { IDs?: unknown }).IDs;
  if (ids === undefined || ids === null) return 'all';
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) throw new HttpError(400, 'IDs must be an array of message ID strings');
  return ids.length === 0 ? 'all' : ids;
}

export const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

const addressText = (list: Array<{ Name: string; Address: string } | null>) =>
  list
    .filter((address) => address !== null)
    .map((address) => (address.Name ? `${address.Name} <${address.Address}>` : address.Address))
    .join(', ');

function uiPage(title: string, body: string): Reply {
  return {
    status: 200,
    type: 'text/html; charset=utf-8',
    // Mail is someone else's HTML: the UI itself runs no script and loads nothing from elsewhere.
    headers: { 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-src 'self'" },
    body: `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left}tr.unread td{font-weight:600}
pre{white-space:pre-wrap;background:#f6f6f6;padding:1rem}iframe{width:100%;height:30rem;border:1px solid #ddd}
dt{font-weight:600}</style></head><body>${body}</body></html>`,
  };
}

function uiList(store: MailStore): Reply {
  const rows = store
    .list()
    .map(
      (message) =>
        `<tr class="${message.Read ? 'read' : 'unread'}"><td>${escapeHtml(message.From ? addressText([message.From]) : '')}</td>` +
        `<td><a href="/ui/${encodeURIComponent(message.ID)}">${escapeHtml(message.Subject || '(no subject)')}</a></td>` +
        `<td>${escapeHtml(addressText(message.To))}</td><td>${escapeHtml(message.Created)}</td></tr>`,
    )
    .join('');
  return uiPage(
    'Mail',
    `<h1>Mail caught by the local stack</h1><p>${store.list().length} message(s). The API is Mailpit's, under <code>/api/v1/</code>.</p>` +
      `<table><tr><th>From</th><th>Subject</th><th>To</th><th>Received</th></tr>${rows}</table>`,
  );
}

function uiMessage(store: MailStore, message: StoredMessage): Reply {
  store.markRead(message);
  const id = encodeURIComponent(message.ID);
  const field = (name: string, value: string) => (value ? `<dt>${name}</dt><dd>${escapeHtml(value)}</dd>` : '');
  const parts = [...message.Attachments, ...message.Inline]
    .map((part) => `<li><a href="/api/v1/message/${id}/part/${encodeURIComponent(part.PartID)}">${escapeHtml(part.FileName || part.PartID)}</a> (${escapeHtml(part.ContentType)}, ${part.Size} bytes)</li>`)
    .join('');
  return uiPage(
    message.Subject,
    `<p><a href="/">← all mail</a></p><h1>${escapeHtml(message.Subject || '(no subject)')}</h1><dl>` +
      field('From', message.From ? addressText([message.From]) : '') +
      field('To', addressText(message.To)) +
      field('Cc', addressText(message.Cc)) +
      field('Bcc', addressText(message.Bcc)) +
      field('Reply-To', addressText(message.ReplyTo)) +
      field('Date', message.Date) +
      `</dl>${parts ? `<ul>${parts}</ul>` : ''}` +
      // The HTML body in a sandbox: no scripts, no forms, no access to this page.
      (message.HTML ? `<h2>HTML</h2><iframe sandbox src="/view/${id}.html"></iframe>` : '') +
      (message.Text ? `<h2>Text</h2><pre>${escapeHtml(message.Text)}</pre>` : '') +
      `<p><a href="/api/v1/message/${id}/raw">Source</a></p>`,
  );
}

async function headers(store: MailStore, message: StoredMessage) {
  const parsed = await simpleParser(store.raw(message), { skipHtmlToText: true, skipImageLinks: true, skipTextToHtml: true });
  const out: Record<string, string[]> = {};
  for (const line of parsed.headerLines) {
    const colon = line.line.indexOf(':');
    const name = line.line.slice(0, colon).trim();
    const value = line.line.slice(colon + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
    (out[name] ??= []).push(value);
  }
  return out;
}

async function part(store: MailStore, message: StoredMessage, partId: string): Promise<Reply> {
  if (![...message.Attachments, ...message.Inline].some((info) => info.PartID === partId)) throw new HttpError(404, 'part not found');
  const parsed = await simpleParser(store.raw(message), { skipHtmlToText: true, skipImageLinks: true, skipTextToHtml: true });
  const attachment = parsed.attachments[Number(partId) - 1];
  if (!attachment) throw new HttpError(404, 'part not found');
  const name = (attachment.filename ?? 'part').replace(/["\\\r\n]/g, '_');
  return {
    status: 200,
    type: attachment.contentType,
    body: attachment.content,
    headers: { 'content-disposition': `attachment; filename="${name}"` },
  };
}

async function route(store: MailStore, method: string, path: string, query: URLSearchParams, body: Buffer): Promise<Reply> {
  if (path === '/livez' || path === '/readyz') return text(200, 'ok');
  if (method === 'GET' && path === '/') return uiList(store);
  const ui = /^\/ui\/([^/]+)$/.exec(path);
  if (method === 'GET' && ui) return uiMessage(store, found(store, decodeURIComponent(ui[1]!)));

  if (path === '/api/v1/messages') {
    if (method === 'GET') return jsonReply(page(store, store.list(), query));
    if (method === 'DELETE') {
      const ids = idsToDelete(body);
      store.delete(ids === 'all' ? store.list().map((message) => message.ID) : ids);
      return text(200, 'ok');
    }
  }
  if (path === '/api/v1/search') {
    if (method === 'GET') return jsonReply(page(store, search(store, query), query));
    if (method === 'DELETE') {
      store.delete(search(store, query).map((message) => message.ID));
      return text(200, 'ok');
    }
  }
  const view = /^\/view\/([^/]+)\.(html|txt)$/.exec(path);
  if (method === 'GET' && view) {
    const message = found(store, decodeURIComponent(view[1]!));
    if (view[2] === 'html') {
      if (!message.HTML) throw new HttpError(404, 'message has no HTML body');
      return { status: 200, type: 'text/html; charset=utf-8', body: message.HTML };
    }
    return text(200, message.Text);
  }
  const api = /^\/api\/v1\/message\/([^/]+)(?:\/(headers|raw|part\/([^/]+)))?$/.exec(path);
  if (method === 'GET' && api) {
    const message = found(store, decodeURIComponent(api[1]!));
    if (!api[2]) {
      store.markRead(message);
      return jsonReply(fullMessage(message));
    }
    if (api[2] === 'headers') return jsonReply(await headers(store, message));
    if (api[2] === 'raw') return { status: 200, type: 'text/plain; charset=utf-8', body: store.raw(message) };
    return part(store, message, decodeURIComponent(api[3]!));
  }
  const known = ['/api/v1/messages', '/api/v1/search'].includes(path) || !!view || !!api;
  throw new HttpError(known ? 405 : 404, known ? `${method} is not allowed on ${path}` : `no such route: ${path}`);
}

const MAX_BODY = 1024 * 1024;

export function mailHttpHandler(store: MailStore, onError: (error: unknown) => void) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => {
      const send = (reply: Reply) => {
        res.writeHead(reply.status, {
          'access-control-allow-origin': '*',
          ...(reply.type ? { 'content-type': reply.type } : {}),
          ...reply.headers,
        });
        res.end(reply.body);
      };
      if (req.method === 'OPTIONS') {
        send({
          status: 204,
          body: '',
          headers: {
            'access-control-allow-methods': 'GET, PUT, POST, DELETE, OPTIONS',
            'access-control-allow-headers': req.headers['access-control-request-headers'] ?? 'content-type',
          },
        });
        return;
      }
      if (tooLarge) return send(text(413, 'request body is larger than 1 MB'));
      const url = new URL(req.url ?? '/', 'http://localhost');
      route(store, req.method ?? 'GET', url.pathname, url.searchParams, Buffer.concat(chunks)).then(send, (error: unknown) => {
        if (error instanceof HttpError) return send(text(error.status, error.message));
        onError(error);
        send(text(500, 'internal error'));
      });
    });
  };
}
