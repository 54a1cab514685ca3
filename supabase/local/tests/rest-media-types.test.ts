/**
 * PostgREST's media type handlers: a function returning a domain named like a media type answers it
 * with the raw value; aggregates returning such a domain answer a table's rows (or any rows) in it.
 * Negotiation as PostgREST v14: the first acceptable Accept entry wins, `*\/*` and no Accept are JSON
 * unless the function's domain is `*\/*` itself, anything else is 406 PGRST107.
 */
import { describe, expect, it } from 'vitest';
import { anonClient, sql } from './helpers.ts';
import { rest } from './rest-helpers.ts';

const db = anonClient();
const get = (path: string, accept?: string) => rest(path, accept === undefined ? {} : { headers: { accept: accept } });
const unavailable = (accept: string) => ({
  code: 'PGRST107', message: `None of these media types are available: ${accept}`, details: null, hint: null,
});

describe('a function returning a media type domain', () => {
  it('answers the raw value in that media type when it is asked for', async () => {
    const response = await get('/rpc/conf_media_page', 'text/html');
    expect(response.status).toBe(200);
    // As PostgREST: no charset on a media type it does not know as text.
    expect(response.headers.get('content-type')).toBe('text/html');
    expect(await response.text()).toBe('<h1>Hello</h1>');
  });

  it('is chosen by the first acceptable entry of the Accept header, in q order', async () => {
    const response = await get('/rpc/conf_media_page', 'application/xml;q=0.9, text/html, */*;q=0.8');
    expect(response.headers.get('content-type')).toBe('text/html');
    expect(await response.text()).toBe('<h1>Hello</h1>');
    const json = await get('/rpc/conf_media_page', 'text/html;q=0.5, application/json');
    expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await json.json()).toBe('<h1>Hello</h1>');
  });

  it('answers JSON for */* and without an Accept header, as PostgREST v14 does', async () => {
    for (const accept of ['*/*', undefined]) {
      const response = await get('/rpc/conf_media_page', accept);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(await response.json()).toBe('<h1>Hello</h1>');
    }
  });

  it('refuses a media type it does not produce with 406 PGRST107', async () => {
    const response = await get('/rpc/conf_media_page', 'text/plain');
    expect(response.status).toBe(406);
    expect(await response.json()).toEqual(unavailable('text/plain'));
  });

  it('answers an empty body for a NULL value', async () => {
    const response = await get('/rpc/conf_media_nothing', 'text/html');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html');
    expect(await response.text()).toBe('');
  });

  it('answers text/plain and text/xml with a charset, as PostgREST does for the types it knows', async () => {
    const plain = await get('/rpc/conf_media_plain', 'text/plain');
    expect(plain.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await plain.text()).toBe('plain words');
    const xml = await get('/rpc/conf_media_xml', 'text/xml');
    expect(xml.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    expect(await xml.text()).toBe('<a>1</a>');
  });

  it('answers the bytes of a bytea domain unchanged', async () => {
    const bytes = await get('/rpc/conf_media_bytes', 'application/octet-stream');
    expect(bytes.headers.get('content-type')).toBe('application/octet-stream');
    expect([...new Uint8Array(await bytes.arrayBuffer())]).toEqual([0x00, 0xff, 0x10]);
    const png = await get('/rpc/conf_media_png?hex=89504e470d0a1a0a', 'image/png');
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await png.arrayBuffer()).toString('hex')).toBe('89504e470d0a1a0a');
    expect(png.headers.get('content-length')).toBe('8');
  });

  it('takes a raw body and answers a raw value (text/plain in, text/plain out)', async () => {
    const response = await rest('/rpc/conf_media_echo', {
      method: 'POST', body: 'hello, world', headers: { 'content-type': 'text/plain', accept: 'text/plain' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await response.text()).toBe('HELLO, WORLD');
  });

  it('answers every media type asked for when its domain is */*, as application/octet-stream', async () => {
    for (const accept of ['*/*', 'app/bingo', 'text/html', 'application/json']) {
      const response = await get('/rpc/conf_media_any', accept);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/octet-stream');
      expect(await response.text()).toBe('any');
    }
    // The vendored types stay the service's own.
    const object = await get('/rpc/conf_media_any', 'application/vnd.pgrst.object+json');
    expect(object.headers.get('content-type')).toBe('application/vnd.pgrst.object+json; charset=utf-8');
  });

  it('has no handler for a set of a media type domain (406), only JSON', async () => {
    const response = await get('/rpc/conf_media_twice', 'text/plain');
    expect(response.status).toBe(406);
    expect(await response.json()).toEqual(unavailable('text/plain'));
    expect(await (await get('/rpc/conf_media_twice')).json()).toEqual(['one', 'two']);
  });

  it('answers HEAD with the media type and no body', async () => {
    const response = await rest('/rpc/conf_media_page', { method: 'HEAD', headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html');
    expect(await response.text()).toBe('');
  });
});

describe('text/plain, text/xml and octet-stream without a domain', () => {
  it('are refused with 406 PGRST107 for a function returning plain text, as PostgREST v14 (no built-in handlers)', async () => {
    for (const accept of ['text/plain', 'text/xml', 'application/octet-stream']) {
      const response = await get('/rpc/conf_media_text', accept);
      expect(response.status).toBe(406);
      expect(await response.json()).toEqual(unavailable(accept));
    }
    expect(await (await get('/rpc/conf_media_text', 'text/plain, application/json')).json()).toBe('just text');
  });

  it('reach supabase-js as PostgREST answers them', async () => {
    const refused = await db.rpc('conf_media_text').setHeader('Accept', 'text/plain');
    expect(refused.status).toBe(406);
    expect(refused.error).toMatchObject({ code: 'PGRST107' });
    // supabase-js parses every body but CSV and text plans as JSON; a raw HTML body is not JSON, so
    // it lands in `error.message` with a 200, exactly as against hosted Supabase.
    const html = await db.rpc('conf_media_page').setHeader('Accept', 'text/html');
    expect(html.status).toBe(200);
    expect(html.error?.message).toBe('<h1>Hello</h1>');
  });
});

describe('aggregates returning a media type domain', () => {
  it('answer a table read in the table\'s own media type', async () => {
    const response = await get('/conf_media_lines?order=id', 'application/vnd.conf-lines');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.conf-lines');
    expect(await response.text()).toBe('1:one\n2:two, with a comma\n');
    const one = await get('/conf_media_lines?id=eq.2', 'application/vnd.conf-lines');
    expect(await one.text()).toBe('2:two, with a comma\n');
  });

  it('answer a write\'s representation, and change nothing when refused', async () => {
    const written = await rest('/conf_media_lines', {
      method: 'POST', body: JSON.stringify({ id: 3, name: 'three' }),
      headers: { prefer: 'return=representation', accept: 'application/vnd.conf-lines' },
    });
    expect(written.status).toBe(201);
    expect(written.headers.get('content-type')).toBe('application/vnd.conf-lines');
    expect(await written.text()).toBe('3:three\n');
    const refused = await rest('/conf_media_lines', {
      method: 'POST', body: JSON.stringify({ id: 4, name: 'four' }),
      headers: { prefer: 'return=representation', accept: 'text/html' },
    });
    expect(refused.status).toBe(406);
    expect(await sql('select id from public.conf_media_lines where id in (3, 4) order by id')).toEqual([{ id: 3 }]);
    await sql('delete from public.conf_media_lines where id = 3');
  });

  it('answer a function returning rows of that table', async () => {
    const response = await get('/rpc/conf_media_all_lines?order=id', 'text/tab-separated-values');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/tab-separated-values');
    expect(await response.text()).toBe('id\tname\n1\tone\n2\ttwo, with a comma\n');
  });

  it('need the default select: other columns are 406, as PostgREST', async () => {
    const response = await get('/conf_media_lines?select=id', 'application/vnd.conf-lines');
    expect(response.status).toBe(406);
    expect(await response.json()).toEqual(unavailable('application/vnd.conf-lines'));
    expect((await get('/conf_media_lines?select=*', 'application/vnd.conf-lines')).status).toBe(200);
  });

  it('are not offered for other tables', async () => {
    const response = await get('/conf_books', 'application/vnd.conf-lines');
    expect(response.status).toBe(406);
  });

  it('over anyelement answer any table, view or function of rows, with any select', async () => {
    const lines = await db.from('conf_media_lines').select('id').setHeader('Accept', 'application/vnd.conf-count');
    expect(lines.status).toBe(200);
    expect(lines.data).toBe(2);
    const all = await get('/rpc/conf_media_all_lines?id=eq.1', 'application/vnd.conf-count');
    expect(all.headers.get('content-type')).toBe('application/vnd.conf-count');
    expect(await all.text()).toBe('1');
  });

  it('leave JSON and CSV as they were', async () => {
    const json = await db.from('conf_media_lines').select().order('id');
    expect(json.data).toEqual([{ id: 1, name: 'one' }, { id: 2, name: 'two, with a comma' }]);
    const csv = await db.from('conf_media_lines').select().order('id').csv();
    expect(csv.data).toBe('id,name\n1,one\n2,"two, with a comma"');
  });
});

describe('the schema cache', () => {
  it('learns new media type domains and aggregates on reload', async () => {
    const before = await get('/rpc/conf_media_late', 'text/markdown');
    expect(before.status).toBe(404);
    await sql(`create domain public."text/markdown" as text;
      create function public.conf_media_late() returns public."text/markdown" language sql immutable
        as $$ select '# late'::public."text/markdown" $$;
      grant execute on function public.conf_media_late() to anon;`);
    let response = before;
    for (let attempt = 0; attempt < 50 && response.status !== 200; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      response = await get('/rpc/conf_media_late', 'text/markdown');
    }
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/markdown');
    expect(await response.text()).toBe('# late');
  });
});
