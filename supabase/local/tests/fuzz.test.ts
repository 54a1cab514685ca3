/**
 * Property-based fuzzing of the gateway and everything behind it: thousands of generated, mostly
 * malformed requests — paths, PostgREST's query grammar, headers, bodies, JWTs, raw request lines —
 * at every route of /rest/v1, /auth/v1 and /functions/v1. No answer may be a 5xx (storage and realtime's
 * REST broadcast must answer in 4xx like the rest), and afterwards the stack must still answer health checks and
 * supabase-js. Seeded: the seed is printed, and `FUZZ_SEED=<n>` replays a run (`FUZZ_REQUESTS=<n>` sets
 * how many requests; the first n of a seed are always the same).
 *
 * Generated writes only reach `conf_fuzz_items` (fixtures/20-fuzz.sql) or tables that refuse them, so test
 * files running alongside never see their rows change. User functions may answer 5xx themselves, so
 * only `public-echo` is relayed to; the rest of /functions/v1 is the gateway's own handling.
 */
import fc from 'fast-check';
import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { anonClient, stack } from './helpers.ts';
import { abruptRequest, rawRequest } from './raw-http.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20261204);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 3500);
const CONCURRENCY = 12;

interface FuzzRequest {
  /**
   * `raw` goes over a bare socket: request lines and headers fetch would refuse or normalize.
   * `reset` sends the head and resets the connection at once; only the stack's health afterwards judges it.
   */
  via: 'fetch' | 'raw' | 'reset';
  method: string;
  target: string;
  headers: Array<[string, string]>;
  body?: string;
}

interface Outcome {
  status: number;
  text: string;
}

const cut = (text: string, max = 400) => (text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text);

function describeRequest(request: FuzzRequest): string {
  const headers = request.headers.map(([name, value]) => `  ${name}: ${cut(value, 200)}`).join('\n');
  const body = request.body === undefined ? '' : `\n  body: ${cut(JSON.stringify(request.body))}`;
  return `${request.via} ${request.method} ${cut(request.target)}\n${headers}${body}`;
}

/** Every 5xx is a defect. */
function acceptable(request: FuzzRequest, outcome: Outcome): boolean {
  if (request.via === 'reset') return true;
  return outcome.status !== 0 && outcome.status < 500;
}

// ---------------------------------------------------------------- building blocks

/** Fragments that break parsers: escapes, quotes, brackets, operators, huge numbers, NUL, astral characters. */
const nasty = fc.constantFrom(
  '%', '%ZZ', '%FF', '%00', '%E0%A4', '%2e%2e', '%2F', '..', '/', '"', "'", '(', ')', ',', '.', ':', '::', '->', '->>',
  '!', '*', '{', '}', '[', ']', '\\', ';', '--', ' ', '+', '&', '=', '?', '#', '\u0000', '\u0001', 'é', '\u{1F600}',
  '\uD800', 'null', 'not', 'eq', 'or(', 'and(', 'select', '99999999999999999999', '-1', '1e400', 'NaN', 'Infinity',
  '__proto__', 'constructor', 'x'.repeat(300), '\u2028',
);
const junk = fc.array(fc.oneof(nasty, fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 })), { maxLength: 8 })
  .map((parts) => parts.join(''));
const number = fc.oneof(
  fc.integer().map(String),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
  fc.double().map(String),
  fc.constantFrom('', '-0', '0x10', '1e400', '007', ' 1', '1.5', '2147483648', '9223372036854775808'),
);

/** encodeURIComponent, which throws on a lone surrogate, after replacing those. */
const encodeAny = (text: string) =>
  encodeURIComponent(text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'));
/** Percent-encoded as supabase-js would, or left raw (so `%`, `&`, `#` land as they are). */
const inQuery = (value: fc.Arbitrary<string>) => fc.tuple(value, fc.boolean()).map(([text, encode]) => (encode ? encodeAny(text) : text));

/** Header values fetch can carry: Latin-1 without control characters. */
const headerSafe = (text: string) => text.replace(/[^\x20-\x7E\xA0-\xFF]/g, '?').trim();
const headerValue = (value: fc.Arbitrary<string>) => value.map(headerSafe);

// ---------------------------------------------------------------- REST

const TABLES: Record<string, string[]> = {
  conf_books: ['id', 'title', 'author_id', 'editor_id', 'pages', 'price', 'tags', 'published', 'rating', 'search'],
  conf_authors: ['id', 'name', 'born', 'bio'],
  conf_tags: ['id', 'label'],
  conf_book_tags: ['book_id', 'tag_id'],
  conf_author_profiles: ['author_id', 'website'],
  conf_private: ['id', 'owner_id', 'secret'],
  conf_fuzz_items: ['id', 'label', 'qty', 'price', 'data', 'tags', 'at', 'span', 'parent_id'],
};
const ALL_COLUMNS = [...new Set(Object.values(TABLES).flat())];
/** Functions that neither write outside conf_fuzz_items nor run for long whatever their arguments. */
const FUNCTIONS: Record<string, string[]> = {
  conf_add: ['a', 'b'], conf_books_by: ['author'], conf_book_count: ['author'], conf_first_book: [], conf_noop: [],
  conf_echo: ['payload'], conf_whole: [], conf_fail: [], conf_payment_required: [], conf_whoami: [], conf_teapot: [],
  conf_overload: ['a'], no_such_function: ['x'],
};

const identifier = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...ALL_COLUMNS) },
  { weight: 1, arbitrary: fc.constantFrom('"id"', '"a""b"', '"', '""', 'x'.repeat(70), 'select', 'count', 'sum') },
  { weight: 2, arbitrary: junk },
);
const jsonPath = fc.array(fc.tuple(fc.constantFrom('->', '->>'), fc.oneof(fc.constantFrom('a', 'k', '0', '-1', '99999999999999999999'), junk)), { maxLength: 4 })
  .map((steps) => steps.map(([arrow, key]) => arrow + key).join(''));
const field = fc.tuple(identifier, fc.oneof({ weight: 3, arbitrary: fc.constant('') }, { weight: 1, arbitrary: jsonPath })).map(([name, path]) => name + path);
const castType = fc.constantFrom('text', 'int', 'int4', 'jsonb', 'numeric', 'date', 'int[]', 'x y', 'nonexistent', 'regclass', 'text[][]');

const { selectList } = fc.letrec<{ selectItem: string; selectList: string }>((tie) => ({
  selectItem: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 5, arbitrary: field },
    { weight: 1, arbitrary: fc.constantFrom('*', 'count()', 'id.sum()', '...conf_authors(name)') },
    { weight: 1, arbitrary: fc.tuple(identifier, field).map(([alias, f]) => `${alias}:${f}`) },
    { weight: 1, arbitrary: fc.tuple(field, castType).map(([f, type]) => `${f}::${type}`) },
    {
      weight: 2,
      arbitrary: fc.tuple(
        fc.constantFrom('conf_authors', 'conf_books', 'conf_tags', 'conf_fuzz_items', 'nope', ''),
        fc.constantFrom('', '!inner', '!left', '!conf_books_author_id_fkey', '!x!y', '!'),
        tie('selectList'),
      ).map(([table, hint, list]) => `${table}${hint}(${list})`),
    },
    { weight: 1, arbitrary: junk },
  ),
  selectList: fc.array(tie('selectItem'), { minLength: 1, maxLength: 4 }).map((items) => items.join(',')),
}));

const OPERATORS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'like', 'ilike', 'match', 'imatch', 'is', 'isdistinct', 'in', 'cs', 'cd',
  'ov', 'sl', 'sr', 'nxr', 'nxl', 'adj', 'fts', 'plfts', 'phfts', 'wfts', 'bogus', ''];
const operand = fc.oneof(
  number,
  junk,
  fc.constantFrom('null', 'not_null', 'true', 'unknown', '{}', '{a,b}', '{{1}}', '{{{{{{{1}}}}}}}', '[1,2)', '(1,2)', '("a,b",c)', '()',
    '{"a":1}', '[[[[', '.*', '(((', '(a*)*b', '2026-13-45', 'infinity', 'allballs', '\\x00'),
  fc.integer({ min: 1, max: 3000 }).map((n) => `${'{'.repeat(n)}1${'}'.repeat(n)}`),
);
const operation = fc.tuple(
  fc.boolean(), fc.constantFrom(...OPERATORS), fc.constantFrom('', '', '', '(any)', '(all)', '(english)', '(x y)', '(', '()'), operand,
).map(([not, op, modifier, value]) => `${not ? 'not.' : ''}${op}${modifier}.${value}`);

const { logicTree } = fc.letrec<{ logicTree: string; logicItem: string }>((tie) => ({
  logicItem: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 4, arbitrary: fc.tuple(field, operation).map(([f, op]) => `${f}.${op}`) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('or', 'and', 'not.or', 'not.and', 'xor'), tie('logicTree')).map(([op, tree]) => op + tree) },
    { weight: 1, arbitrary: junk },
  ),
  logicTree: fc.array(tie('logicItem'), { maxLength: 4 }).map((items) => `(${items.join(',')})`),
}));
/** Nesting from shallow to far past any limit: the case that used to overflow the parser. */
const deepLogic = fc.integer({ min: 1, max: 4000 }).map((n) => `(${'or('.repeat(n)}id.eq.1${')'.repeat(n)})`);

const orderTerm = fc.tuple(field, fc.constantFrom('', '.asc', '.desc', '.nullsfirst', '.desc.nullslast', '.sideways', '(x)')).map(([f, d]) => f + d);

const queryParam = fc.oneof(
  { weight: 3, arbitrary: inQuery(selectList).map((v) => `select=${v}`) },
  { weight: 4, arbitrary: fc.tuple(inQuery(field), inQuery(operation)).map(([k, v]) => `${k}=${v}`) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('or', 'and', 'not.or', 'conf_authors.or', 'a.b.and'), inQuery(logicTree)).map(([k, v]) => `${k}=${v}`) },
  { weight: 1, arbitrary: inQuery(deepLogic).map((v) => `or=${v}`) },
  { weight: 2, arbitrary: inQuery(fc.array(orderTerm, { minLength: 1, maxLength: 3 }).map((t) => t.join(','))).map((v) => `order=${v}`) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('limit', 'offset', 'conf_authors.limit', 'x.offset'), inQuery(number)).map(([k, v]) => `${k}=${v}`) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('columns', 'on_conflict'), inQuery(fc.array(identifier, { maxLength: 3 }).map((l) => l.join(',')))).map(([k, v]) => `${k}=${v}`) },
  { weight: 1, arbitrary: fc.tuple(inQuery(junk), inQuery(junk)).map(([k, v]) => `${k}=${v}`) },
  { weight: 1, arbitrary: inQuery(junk) },
);
const queryString = fc.array(queryParam, { maxLength: 5 }).map((params) => (params.length === 0 ? '' : `?${params.join('&')}`));

// ---------------------------------------------------------------- bodies

const jsonText = fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value));
const fieldValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  junk,
  number,
  fc.constantFrom('\u0000', 'a\u0000b', '\uD800', '2026-02-30', '[5,1)', '{a', 1e308, -0, true, { name: 'x\u0000' }, ['\u0000']),
);
const rowObject = fc.dictionary(
  fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...TABLES.conf_fuzz_items!, 'a', 'b', 'author', 'payload', 'x') }, { weight: 1, arbitrary: junk }),
  fieldValue,
  { maxKeys: 5 },
);
const deepBody = fc.tuple(fc.integer({ min: 1, max: 6000 }), fc.constantFrom('[]', '{}')).map(([n, kind]) =>
  kind === '[]' ? `{"data":${'['.repeat(n)}${']'.repeat(n)}}` : `{"data":${'{"a":'.repeat(n)}1${'}'.repeat(n)}}`);
const restBody = fc.oneof(
  { weight: 4, arbitrary: rowObject.map((row) => JSON.stringify(row)) },
  { weight: 2, arbitrary: fc.array(rowObject, { maxLength: 3 }).map((rows) => JSON.stringify(rows)) },
  { weight: 1, arbitrary: jsonText },
  { weight: 1, arbitrary: deepBody },
  { weight: 1, arbitrary: fc.constantFrom('', '{', '[1,', '{"label":"\\u0000"}', '{"data":"\\ud800"}', '{"label":"\\uDC00x"}', 'null', '"x"', '[]', '[[]]', '{"qty":1e400}', '\uFEFF{}') },
  { weight: 1, arbitrary: junk },
);

// ---------------------------------------------------------------- keys and tokens

const encode = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** Signed with the right secret but with claims of the wrong shape, plus tokens that are not tokens. */
async function tokenPool(): Promise<{ signed: string[]; forged: string[] }> {
  const sign = (claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' }) =>
    new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(new TextEncoder().encode(stack.jwtSecret));
  const now = Math.floor(Date.now() / 1000);
  const signed = await Promise.all([
    sign({ role: 123 }), sign({ role: '' }), sign({ role: 'postgres' }), sign({ role: 'x'.repeat(200) }), sign({ role: 'a"b\'c' }),
    sign({ role: ['anon'] }), sign({ role: 'authenticated', sub: 123 }), sign({ role: 'authenticated', sub: 'not-a-uuid' }),
    sign({ role: 'authenticated', sub: '00000000-0000-0000-0000-000000000000', session_id: 'x' }),
    sign({ role: 'anon', exp: now - 3600 }), sign({ role: 'anon', nbf: now + 3600 }), sign({ role: 'anon', iat: now + 3600 }),
    sign({ role: 'anon', aud: 42, iss: null }), sign({ role: 'anon', claims: { deep: { er: [1, { x: '\u0000' }] } } }),
    sign({ role: 'service_role', email: '\u0000' }), sign({ role: 'anon', app_metadata: '__proto__' }),
  ]);
  const header = encode({ alg: 'HS256', typ: 'JWT' });
  const forged = [
    `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ role: 'service_role' })}.`,
    `${encode({ alg: 'HS512' })}.${encode({ role: 'service_role' })}.${encode('x')}`,
    `${encode({ alg: 'RS256', kid: '../../etc/passwd' })}.${encode({ role: 'anon' })}.${encode('sig')}`,
    `${header}.${encode({ role: 'service_role' })}.${stack.anonKey.split('.')[2]}`,
    `${header}.${encode('not json')}.x`, `${encode('{')}.${encode('{')}.x`, `${header}.${encode('[]')}.x`, `${header}.${encode('null')}.x`,
    '!!!.@@@.###', 'a.b.c', 'a.b', 'a.b.c.d', '...', '', 'x'.repeat(4000), `${header}..`, `${stack.anonKey}x`, stack.anonKey.slice(0, -3),
  ];
  return { signed, forged };
}

function keyHeaders(tokens: string[]) {
  const apikey = fc.oneof(
    { weight: 10, arbitrary: fc.constant(stack.anonKey) },
    { weight: 3, arbitrary: fc.constant(stack.serviceRoleKey) },
    { weight: 2, arbitrary: fc.constantFrom(stack.publishableKey, stack.secretKey) },
    { weight: 1, arbitrary: headerValue(fc.oneof(junk, fc.constantFrom(...tokens))) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
  const authorization = fc.oneof(
    { weight: 6, arbitrary: fc.constant(undefined) },
    { weight: 4, arbitrary: fc.constantFrom(stack.anonKey, stack.serviceRoleKey, stack.publishableKey).map((key) => `Bearer ${key}`) },
    { weight: 2, arbitrary: fc.constantFrom(...tokens).map((token) => `Bearer ${token}`) },
    {
      weight: 2,
      arbitrary: fc.tuple(fc.constantFrom('Bearer', 'bearer', 'BEARER', 'Basic', 'Token', 'Bearer  ', ''), headerValue(junk)).map(([scheme, rest]) => `${scheme} ${rest}`),
    },
  );
  return fc.tuple(apikey, authorization).map(([key, auth]) => {
    const headers: Array<[string, string]> = [];
    if (key !== undefined && headerSafe(key) !== '') headers.push(['apikey', headerSafe(key)]);
    if (auth !== undefined && headerSafe(auth) !== '') headers.push(['authorization', headerSafe(auth)]);
    return headers;
  });
}

const preferItem = fc.oneof(
  fc.constantFrom('return=representation', 'return=minimal', 'return=headers-only', 'count=exact', 'count=planned', 'count=estimated',
    'resolution=merge-duplicates', 'resolution=ignore-duplicates', 'missing=default', 'tx=rollback', 'tx=commit', 'handling=strict',
    'handling=lenient', 'params=single-object', 'timezone=UTC', 'timezone=Asia/Tokyo', 'timezone=Not/AZone', 'timezone=', 'timezone=utc',
    "timezone='; select 1", 'return=', '=', ''),
  number.map((n) => `max-affected=${n}`),
  junk.map((j) => `timezone=${j}`),
  junk,
);
/** Present in about one request in three, so that most requests get past the header checks. */
const optionalHeader = (name: string, value: fc.Arbitrary<string>) => fc.oneof(
  { weight: 2, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: headerValue(value).map((v): [string, string] => [name, v]) },
);
const extraHeaders = fc.tuple(
  optionalHeader('prefer', fc.array(preferItem, { minLength: 1, maxLength: 4 }).map((items) => items.join(', '))),
  optionalHeader('accept', fc.oneof(
    fc.constantFrom('application/json', 'application/vnd.pgrst.object+json', 'application/vnd.pgrst.object+json;nulls=stripped', 'text/csv',
      '*/*', 'application/xml', 'application/json;q=0', 'application/json;q=abc', ';;;,,,', 'text/*;q=0.5, */*;q=0.1',
      'application/openapi+json', 'application/vnd.pgrst.plan+json'),
    junk,
  )),
  optionalHeader('range', fc.oneof(fc.tuple(number, number).map(([a, b]) => `${a}-${b}`), number.map((a) => `items=${a}-`), junk)),
  optionalHeader('range-unit', fc.constantFrom('items', 'bytes', 'x', '')),
  optionalHeader('accept-profile', fc.oneof({ weight: 3, arbitrary: fc.constant('public') }, fc.constantFrom('app', 'auth', 'pg_catalog', ''), junk)),
  optionalHeader('content-profile', fc.oneof({ weight: 3, arbitrary: fc.constant('public') }, fc.constantFrom('app', 'auth', ''), junk)),
  optionalHeader('content-type', fc.oneof(
    fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'text/plain',
      'application/x-www-form-urlencoded', 'text/csv', 'multipart/form-data; boundary=x', 'application/octet-stream', ''),
    junk,
  )),
  optionalHeader('x-client-info', junk),
  optionalHeader('cookie', junk),
  optionalHeader('x-forwarded-for', fc.oneof(fc.constantFrom('1.2.3.4', '::1', 'unknown', '999.1.1.1, 2.2.2.2'), junk)),
  optionalHeader('x-supabase-api-version', fc.constantFrom('2024-01-01', '1999-01-01', 'x')),
  optionalHeader('access-control-request-headers', junk),
  fc.option(fc.tuple(fc.stringMatching(/^x-[a-z0-9-]{1,20}$/), headerValue(junk)), { freq: 4 }),
).map((pairs) => pairs.filter((pair): pair is [string, string] => pair !== null));

const anyMethod = fc.constantFrom('GET', 'HEAD', 'POST', 'PATCH', 'DELETE', 'PUT', 'OPTIONS', 'PROPFIND', 'PURGE');
const readMethod = fc.constantFrom('GET', 'GET', 'GET', 'HEAD', 'OPTIONS');

// ---------------------------------------------------------------- requests per service

function restRequests(tokens: string[]) {
  const pathSegment = fc.oneof(fc.constantFrom('', '%ZZ', '%FF', '..', '%2e%2e', 'rpc', 'x'.repeat(400)), junk.map(encodeAny), junk);
  const read = fc.tuple(readMethod, fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...Object.keys(TABLES)).map((t) => `/${t}`) },
    { weight: 1, arbitrary: fc.constant('/') },
    { weight: 2, arbitrary: fc.array(pathSegment, { minLength: 1, maxLength: 3 }).map((s) => `/${s.join('/')}`) },
  ));
  // Writes only where they cannot change another test's rows.
  const write = fc.tuple(fc.constantFrom('POST', 'PATCH', 'DELETE', 'PUT'), fc.oneof(
    { weight: 5, arbitrary: fc.constant('/conf_fuzz_items') },
    { weight: 1, arbitrary: fc.constantFrom('/conf_books', '/conf_tags', '/no_such_table') },
    { weight: 1, arbitrary: pathSegment.map((s) => `/${s}`) },
  ));
  const rpc = fc.tuple(fc.constantFrom('GET', 'POST', 'POST', 'HEAD', 'PATCH'), fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...Object.keys(FUNCTIONS)).map((f) => `/rpc/${f}`) },
    { weight: 1, arbitrary: pathSegment.map((s) => `/rpc/${s}`) },
  ));
  const rpcArgs = fc.array(fc.tuple(fc.constantFrom(...new Set(Object.values(FUNCTIONS).flat())), inQuery(fc.oneof(number, junk))), { maxLength: 3 })
    .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&'));
  return fc.tuple(
    fc.oneof({ weight: 5, arbitrary: read }, { weight: 3, arbitrary: write }, { weight: 3, arbitrary: rpc }),
    queryString, rpcArgs, keyHeaders(tokens), extraHeaders, restBody,
  ).map(([[method, path], query, args, keys, extra, body]): FuzzRequest => {
    const q = path.startsWith('/rpc/') && method !== 'POST' && args !== '' ? `${query === '' ? '?' : `${query}&`}${args}` : query;
    return {
      via: 'fetch', method, target: `/rest/v1${path}${q}`, headers: [...keys, ...extra],
      body: ['GET', 'HEAD'].includes(method) ? undefined : body,
    };
  });
}

const authBody = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.dictionary(
      fc.constantFrom('email', 'password', 'data', 'refresh_token', 'type', 'token', 'token_hash', 'redirect_to', 'user_metadata',
        'app_metadata', 'email_confirm', 'ban_duration', 'phone', 'nonce', 'code_challenge', 'gotrue_meta_security', 'role'),
      fc.oneof(
        fc.constantFrom('fuzz@example.test', 'FUZZ@EXAMPLE.TEST', 'a@b', '@', 'x'.repeat(300), 'signup', 'recovery', 'magiclink', 'invite',
          'email', 'email_change', 'short', 'correct-horse-battery', 'none', '24h', '-1h', 'forever', '0', null, true, 42, [], {}),
        fieldValue,
      ),
      { maxKeys: 5 },
    ).map((body) => JSON.stringify(body)),
  },
  { weight: 1, arbitrary: deepBody },
  {
    weight: 1,
    arbitrary: fc.constantFrom('', '{', '[]', 'null', '"x"', '{"email":{"$gt":""}}', '{"password":"\\u0000"}', '{"refresh_token":"a\\u0000"}',
      '{"type":"email","token_hash":"\\u0000"}', '{"email":"fuzz@example.test","password":"correct-horse-battery","data":{"n":"\\u0000"}}'),
  },
  { weight: 1, arbitrary: junk },
);

/** Values aimed at what each endpoint reads: right and wrong types, NUL, deep nesting, look-alikes. */
const authValue = fc.oneof(
  fc.constantFrom('fuzz@example.test', 'FUZZ@example.test', 'a@b', '', 'correct-horse-battery', 'short', 'x'.repeat(100), 'email', 'signup',
    'recovery', '__proto__', 'constructor', 'a\u0000', '\u0000@example.test', null, 0, true, [], {}, { name: 'x\u0000' }, { '\u0000': 1 },
    { __proto__: { admin: true } }, { constructor: 'x' }),
  fc.integer({ min: 1, max: 3000 }).map((n) => JSON.parse(`${'{"a":'.repeat(n)}1${'}'.repeat(n)}`) as unknown),
  fieldValue,
);
const AIMED: Array<[string, string, string[]]> = [
  ['POST', '/signup', ['email', 'password', 'data']],
  ['POST', '/token?grant_type=password', ['email', 'password']],
  ['POST', '/token?grant_type=refresh_token', ['refresh_token']],
  ['POST', '/verify', ['type', 'token_hash', 'token', 'email']],
  ['POST', '/recover', ['email']],
  ['POST', '/otp', ['email', 'create_user', 'data']],
  ['POST', '/resend', ['type', 'email']],
  ['POST', '/invite', ['email', 'data']],
  ['POST', '/admin/generate_link', ['type', 'email', 'password', 'new_email', 'data', 'redirect_to']],
  ['PUT', '/user', ['email', 'password', 'data']],
  ['POST', '/logout', []],
  ['POST', '/admin/users', ['email', 'password', 'user_metadata', 'app_metadata', 'email_confirm', 'ban_duration']],
  ['PUT', '/admin/users/00000000-0000-0000-0000-000000000000', ['email', 'user_metadata', 'app_metadata', 'ban_duration']],
];
const aimedAuth = fc.constantFrom(...AIMED).chain(([method, path, keys]) =>
  fc.tuple(fc.constant(method), fc.constant(path), fc.record(Object.fromEntries(keys.map((key) => [key, authValue])), { requiredKeys: [] })));

function authRequests(tokens: string[]) {
  const id = fc.oneof(fc.uuid().map(String), fc.constantFrom('%ZZ', '%FF', '00000000-0000-0000-0000-000000000000', 'me', '', '..'), junk.map(encodeAny));
  const path = fc.oneof(
    fc.constantFrom('/health', '/settings', '/signup', '/token', '/token?grant_type=password', '/token?grant_type=refresh_token',
      '/token?grant_type=pkce', '/token?grant_type=%ZZ', '/user', '/logout', '/logout?scope=others', '/logout?scope=x', '/recover',
      '/verify', '/verify?type=__proto__&token=x', '/.well-known/jwks.json', '/admin/users', '/admin/users?page=-1&per_page=99999999999',
      '/admin/users?filter=%25', '/authorize', '/callback', '/nope', '/admin/nope', '/otp', '/magiclink', '//', '/health/', '/HEALTH',
      '/resend', '/invite', '/reauthenticate', '/admin/generate_link'),
    id.map((value) => `/admin/users/${value}`),
    fc.tuple(fc.constantFrom('signup', 'recovery', 'magiclink', 'invite', 'email', '__proto__', 'constructor', 'toString', ''), inQuery(junk))
      .map(([type, token]) => `/verify?type=${type}&token=${token}&redirect_to=${encodeURIComponent('http://localhost:3000')}`),
    inQuery(junk).map((j) => `/${j}`),
  );
  const anywhere = fc.tuple(anyMethod, path, queryString, keyHeaders(tokens), extraHeaders, authBody)
    .map(([method, p, query, keys, extra, body]): FuzzRequest => ({
      via: 'fetch', method, target: `/auth/v1${p}${p.includes('?') ? query.replace('?', '&') : query}`, headers: [...keys, ...extra],
      body: ['GET', 'HEAD'].includes(method) ? undefined : body,
    }));
  const aimed = fc.tuple(aimedAuth, keyHeaders(tokens)).map(([[method, p, body], keys]): FuzzRequest => ({
    via: 'fetch', method, target: `/auth/v1${p}`, headers: [...keys, ['content-type', 'application/json']], body: JSON.stringify(body),
  }));
  return fc.oneof({ weight: 3, arbitrary: anywhere }, { weight: 2, arbitrary: aimed });
}

function functionRequests(tokens: string[], forged: string[]) {
  const bad = fc.constantFrom(...forged);
  const relayed = fc.tuple(anyMethod, fc.constantFrom('', '/', '/sub/path', '/%ZZ', '/%2e%2e/x', '/a%2Fb'), queryString, keyHeaders(tokens), extraHeaders, restBody)
    .map(([method, sub, query, keys, extra, body]): FuzzRequest => ({
      via: 'fetch', method, target: `/functions/v1/public-echo${sub}${query}`, headers: [...keys, ...extra],
      body: ['GET', 'HEAD'].includes(method) ? undefined : body,
    }));
  // A verify_jwt function reached with tokens that must be refused before it runs.
  const guarded = fc.tuple(anyMethod, fc.oneof(bad.map((t) => `Bearer ${t}`), headerValue(junk), fc.constant('Basic x')), queryString)
    .map(([method, authorization, query]): FuzzRequest => ({
      via: 'fetch', method, target: `/functions/v1/echo${query}`, headers: authorization === '' ? [] : [['authorization', headerSafe(authorization)]],
    }));
  const unknown = fc.tuple(anyMethod, fc.oneof(fc.constantFrom('', 'no-such-function', '_shared', '..', '%ZZ', 'a'.repeat(300), '-x', '9x'), junk.map(encodeAny), junk), keyHeaders(tokens))
    .map(([method, slug, keys]): FuzzRequest => ({ via: 'fetch', method, target: `/functions/v1/${slug}`, headers: keys }));
  return fc.oneof({ weight: 3, arbitrary: relayed }, { weight: 2, arbitrary: guarded }, { weight: 2, arbitrary: unknown });
}

function otherRequests(tokens: string[]) {
  return fc.tuple(anyMethod, fc.oneof(
    fc.constantFrom('/storage/v1/bucket', '/storage/v1/object/x/y', '/realtime/v1/api/broadcast', '/', '/graphql/v1', '/rest/v2/x',
      '/rest', '/rest/v1%2Fconf_books', '/auth/v1%ZZ', '/%ZZ', '//rest/v1/conf_books', '/rest//v1/'),
    inQuery(junk).map((j) => `/${j}`),
  ), keyHeaders(tokens)).map(([method, target, keys]): FuzzRequest => ({ via: 'fetch', method, target, headers: keys }));
}

/**
 * Any bytes but line breaks: a generated CR LF would end the head early and drop `connection: close`,
 * leaving the socket open until the timeout.
 */
const oneLine = fc.string({ unit: 'binary-ascii', maxLength: 40 }).map((s) => s.replace(/[\r\n]/g, ''));

/** What fetch cannot send: odd methods and targets, raw bytes, broken framing. */
function rawRequests() {
  const target = fc.oneof(
    fc.constantFrom('*', '', '/', '//', 'http://[/rest/v1', 'http://x:99999/auth/v1/health', 'http://gateway/rest/v1/conf_tags',
      '/rest/v1/conf_tags?select=id', '/rest/v1/conf_tags#frag', '/rest/v1/conf_tags?select=id id', '/auth/v1/health?%ZZ',
      '/rest/v1/../auth/v1/admin/users', '/rest/v1/./conf_tags', '/functions/v1/public-echo/\u00ff', '/rest/v1/\u0000'),
    oneLine.map((s) => `/rest/v1/${s}`),
    oneLine.map((s) => `/auth/v1/${s}`),
  );
  const header = fc.oneof(
    fc.constantFrom('content-length: abc', 'content-length: -1', 'content-length: 0\r\ncontent-length: 5', 'transfer-encoding: chunked',
      'transfer-encoding: gzip', 'x-a: \u00ff\u00fe', 'no-colon', ': empty-name', 'x-b:\tvalue', `apikey: ${stack.anonKey}`,
      `apikey: ${stack.serviceRoleKey}`, 'apikey:', `authorization: Bearer ${stack.anonKey}`, 'expect: 100-continue', 'upgrade: websocket',
      'host:', 'content-type: application/json', 'connection: upgrade\r\nupgrade: websocket'),
    oneLine.map((s) => `x-raw: ${s}`),
  );
  return fc.tuple(
    fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'CONNECT', 'CONNECT', 'TRACE', 'PROPFIND', 'get', 'FOO', 'G ET'),
    target,
    fc.constantFrom('HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1x', ''),
    fc.array(header, { maxLength: 4 }),
    fc.oneof(fc.constant(''), fc.constantFrom('{}', '5\r\nhello\r\n0\r\n\r\n', 'ZZ\r\nabc\r\n0\r\n\r\n', '{"label":"x"}')),
    fc.boolean(),
  ).map(([method, t, version, headers, body, reset]): FuzzRequest => ({
    via: reset ? 'reset' : 'raw', method, target: `${t} ${version}`.trimEnd(), headers: [['host', 'fuzz.test'], ...headers.map((h): [string, string] => ['', h])], body,
  }));
}

// ---------------------------------------------------------------- sending

async function send(request: FuzzRequest): Promise<Outcome> {
  if (request.via === 'reset') {
    const lines = request.headers.map(([name, value]) => (name === '' ? value : `${name}: ${value}`));
    await abruptRequest(stack.apiUrl, [`${request.method} ${request.target}`, ...lines].join('\r\n'));
    return { status: 0, text: 'reset by the client' };
  }
  if (request.via === 'raw') {
    const lines = request.headers.map(([name, value]) => (name === '' ? value : `${name}: ${value}`));
    const head = [`${request.method} ${request.target}`, ...lines].join('\r\n');
    // A body whose framing the server was told to wait for would only time out; say how long it is.
    const framed = request.headers.some(([, line]) => /^(content-length|transfer-encoding)/i.test(line));
    const chunked = request.headers.some(([, line]) => /^transfer-encoding: chunked/i.test(line));
    const body = chunked && request.body === '' ? '0\r\n\r\n' : (request.body ?? '');
    const length = framed || body === '' ? '' : `\r\ncontent-length: ${Buffer.byteLength(body, 'latin1')}`;
    const response = await rawRequest(stack.apiUrl, head + length, Buffer.from(body, 'latin1'), 15_000);
    return { status: response.status, text: response.text };
  }
  let response: Response;
  try {
    response = await fetch(`${stack.apiUrl}${request.target}`, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(15_000),
    });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `${error.cause.name}: ${error.cause.message}` : '';
    // fetch itself refusing to send (an invalid URL or header value) is not the server's answer; a
    // connection closed or reset without an answer is.
    if (error instanceof TypeError && !/ECONN|socket|closed|terminated|timeout/i.test(cause)) {
      return { status: 400, text: `client refused to send: ${error.message} ${cause}` };
    }
    return { status: 0, text: `no response: ${String(error)} ${cause}` };
  }
  return { status: response.status, text: await response.text() };
}

describe('fuzzing every route of the gateway', () => {
  let tokens: string[] = [];
  let forged: string[] = [];
  beforeAll(async () => {
    const pool = await tokenPool();
    forged = pool.forged;
    tokens = [...pool.signed, ...pool.forged];
  });

  it(`answers ${REQUESTS} generated malformed requests without a 5xx (seed ${SEED})`, { timeout: 240_000 }, async () => {
    console.info(`fuzz seed: ${SEED} (replay with FUZZ_SEED=${SEED}; FUZZ_REQUESTS=${REQUESTS} sets how many requests)`);
    const request = fc.oneof(
      { weight: 10, arbitrary: restRequests(tokens) },
      { weight: 5, arbitrary: authRequests(tokens) },
      { weight: 3, arbitrary: functionRequests(tokens, forged) },
      { weight: 1, arbitrary: otherRequests(tokens) },
      { weight: 2, arbitrary: rawRequests() },
    );
    const requests = fc.sample(request, { seed: SEED, numRuns: REQUESTS });
    const failures: string[] = [];
    const statuses = new Map<string, number>();
    let next = 0;
    // A few requests in flight at once, as a browser would send them, without swamping a busy machine.
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < requests.length) {
        const index = next++;
        const req = requests[index]!;
        const outcome = await send(req);
        const service = req.via === 'reset' ? 'reset' : (/^\/(rest|auth|functions)\/v1/.exec(req.target)?.[1] ?? req.via);
        const key = `${service} ${outcome.status}`;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
        if (!acceptable(req, outcome)) {
          failures.push(`#${index} answered ${outcome.status || 'nothing'}: ${cut(outcome.text, 300)}\nto ${describeRequest(req)}`);
        }
      }
    }));
    // What the generated requests reached, so a generator that only ever trips the first check shows.
    console.info([...statuses].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k}: ${n}`).join(', '));
    expect(failures, `${failures.length} of ${REQUESTS} requests (seed ${SEED}) got no answer or a 5xx:\n\n${failures.slice(0, 15).join('\n\n')}`)
      .toEqual([]);
  });

  it('leaves the stack healthy: health, supabase-js reads and writes, a pool not leaked, functions relayed', async () => {
    const health = await fetch(`${stack.apiUrl}/auth/v1/health`);
    expect(health.status).toBe(200);
    const client = anonClient();
    const { data, error } = await client.from('conf_books').select('id, title').eq('id', 1).single();
    expect(error).toBeNull();
    expect(data).toEqual({ id: 1, title: 'The Dispossessed' });
    const inserted = await client.from('conf_fuzz_items').insert({ label: 'after-fuzz' }).select('label').single();
    expect(inserted.error).toBeNull();
    expect(inserted.data).toEqual({ label: 'after-fuzz' });
    // More requests at once than the REST pool has connections: any connection a failed request
    // kept would leave some of these waiting forever.
    const many = await Promise.all(Array.from({ length: 30 }, () => client.from('conf_tags').select('id').order('id')));
    for (const result of many) expect(result.data).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    const relayed = await fetch(`${stack.apiUrl}/functions/v1/public-echo`, { method: 'POST', body: 'ping' });
    expect(relayed.status).toBe(200);
    expect((await relayed.json()).body).toBe('ping');
  });
});
