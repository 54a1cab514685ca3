/**
 * What it takes to turn one database's schema into another's: the SQL of migra (`@pgkit/migra`, the
 * TypeScript port of the diff tool the Supabase CLI used for `db diff`) for tables, columns, constraints,
 * indexes, types, functions, triggers, policies and RLS; plus privileges and comments, which migra does
 * not compare (it leaves out function grants, column grants and every `comment on`). Data is not
 * compared: rows a migration must insert are the caller's to check.
 */
import { createClient } from '@pgkit/client';
import { run } from '@pgkit/migra';
import pg from 'pg';

/** Schemas Supabase owns and manages itself: never part of a project's migrations. */
export const SUPABASE_SCHEMAS = [
  '_analytics',
  '_realtime',
  'auth',
  'cron',
  'extensions',
  'graphql',
  'graphql_public',
  'net',
  'pgbouncer',
  'pgmq',
  'pgsodium',
  'pgsodium_masks',
  'realtime',
  'storage',
  'supabase_functions',
  'supabase_migrations',
  'vault',
];

/** The API roles Supabase creates; an object's grants are rewritten for all of them when they change. */
const API_ROLES = ['public', 'anon', 'authenticated', 'service_role'];

interface Grant {
  /** e.g. `function public.assess_ticket(uuid, text)`, `table public.tickets`, `schema app`. */
  object: string;
  /** For column grants, the column; the privilege then applies to it alone. */
  column: string | null;
  /** Null for an object that grants nothing to anyone but its owner. */
  grantee: string | null;
  privilege: string | null;
}

interface Comment {
  /** The `comment on …` target, e.g. `column public.tickets.status`. */
  target: string;
  text: string;
}

const OWN_OBJECTS = `n.nspname <> all($1::text[]) and n.nspname not like 'pg\\_%' and n.nspname <> 'information_schema'`;

// Privileges as granted, with the owner's own (implicit) ones left out; an object never granted
// anything (null acl) has its kind's default, as Postgres itself reads it.
const GRANTS_SQL = `
with objects as (
  select format('function %s', p.oid::regprocedure) as object, null::text as column_name,
         coalesce(p.proacl, acldefault('f', p.proowner)) as acl, p.proowner as owner
  from pg_proc p join pg_namespace n on n.oid = p.pronamespace
  where ${OWN_OBJECTS} and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
  union all
  select format('%s %s', case c.relkind when 'S' then 'sequence' else 'table' end, c.oid::regclass), null,
         coalesce(c.relacl, acldefault((case c.relkind when 'S' then 's' else 'r' end)::"char", c.relowner)), c.relowner
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where ${OWN_OBJECTS} and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
  union all
  select format('table %s', c.oid::regclass), a.attname, a.attacl, c.relowner
  from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
  where ${OWN_OBJECTS} and a.attacl is not null and a.attnum > 0 and not a.attisdropped
  union all
  select format('schema %s', quote_ident(n.nspname)), null, coalesce(n.nspacl, acldefault('n', n.nspowner)), n.nspowner
  from pg_namespace n where ${OWN_OBJECTS}
)
select o.object, o.column_name as "column",
       case when x.grantee = 0 then 'public' else pg_get_userbyid(x.grantee) end as grantee,
       lower(x.privilege_type) as privilege
from objects o left join lateral (select * from aclexplode(o.acl) a where a.grantee <> o.owner) x on true
order by 1, 2, 3, 4`;

const COMMENTS_SQL = `
select i.type, i.identity, d.description as text
from pg_description d
cross join lateral pg_identify_object(d.classoid, d.objoid, d.objsubid) i
where i.schema is not null and i.schema <> all($1::text[]) and i.schema not like 'pg\\_%'
  and i.schema <> 'information_schema'
  and not exists (select 1 from pg_depend e where e.objid = d.objoid and e.deptype = 'e')
union all
select 'schema', quote_ident(n.nspname), d.description
from pg_description d join pg_namespace n on n.oid = d.objoid and d.classoid = 'pg_namespace'::regclass
where ${OWN_OBJECTS}
order by 1, 2`;

// migra skips Supabase's schemas whole, so it misses a project's triggers on their tables (e.g. the
// usual one on auth.users that makes a profile at sign-up): those are compared here.
const FOREIGN_TRIGGERS_SQL = `
select format('%s on %s', quote_ident(t.tgname), t.tgrelid::regclass) as target, pg_get_triggerdef(t.oid) as definition
from pg_trigger t
join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
join pg_proc p on p.oid = t.tgfoid join pg_namespace fn on fn.oid = p.pronamespace
where not t.tgisinternal and n.nspname = any($1) and fn.nspname <> all($1) and fn.nspname not like 'pg\\_%'
order by 1`;

// The same for a project's policies on Supabase's tables (`storage.objects` above all: who may upload
// and read files is decided there). Supabase ships none on its own tables; an extension's tables (pg_cron's
// carry policies) come with the extension.
const FOREIGN_POLICIES_SQL = `
select format('%I on %s', p.polname, p.polrelid::regclass) as target,
       format('create policy %I on %s as %s for %s to %s%s%s', p.polname, p.polrelid::regclass,
              case when p.polpermissive then 'permissive' else 'restrictive' end,
              case p.polcmd when 'r' then 'select' when 'a' then 'insert' when 'w' then 'update' when 'd' then 'delete' else 'all' end,
              case when p.polroles = '{0}' then 'public'
                   else (select string_agg(quote_ident(r.rolname), ', ' order by r.rolname) from pg_roles r where r.oid = any(p.polroles)) end,
              case when p.polqual is null then '' else format(' using (%s)', pg_get_expr(p.polqual, p.polrelid)) end,
              case when p.polwithcheck is null then '' else format(' with check (%s)', pg_get_expr(p.polwithcheck, p.polrelid)) end)
         as definition
from pg_policy p join pg_class c on c.oid = p.polrelid join pg_namespace n on n.oid = c.relnamespace
where n.nspname = any($1)
  and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
order by 1`;

// migra does not compare sequences' parameters (an identity column's `start with 1001`, say).
const SEQUENCES_SQL = `
select s.seqrelid::regclass::text as name,
       format('start with %s increment by %s minvalue %s maxvalue %s cache %s %s',
              s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, case when s.seqcycle then 'cycle' else 'no cycle' end)
         as parameters
from pg_sequence s join pg_class c on c.oid = s.seqrelid join pg_namespace n on n.oid = c.relnamespace
where ${OWN_OBJECTS}
order by 1`;

// migra leaves out extensions whose schema it skips: `create extension pg_net with schema extensions`
// would be lost from a migration. Those (and pg_cron, in pg_catalog) are compared here.
const EXTENSIONS_SQL = `
select e.extname as name, n.nspname as schema
from pg_extension e join pg_namespace n on n.oid = e.extnamespace
where n.nspname = any($1) or n.nspname = 'pg_catalog'
order by 1`;

/**
 * Extensions the local stack stands in for: their version there says nothing of hosted's, so a
 * migration creates them without one (hosted Supabase then installs its default version).
 */
const STAND_IN_EXTENSION = /^(create extension if not exists "(?:pg_net|pg_cron|supabase_vault)" with schema "[^"]+") version '[^']*'/i;

const COMMENT_TARGET: Record<string, (identity: string) => string> = {
  'table column': (identity) => `column ${identity}`,
  'table constraint': (identity) => `constraint ${identity}`,
  'domain constraint': (identity) => `constraint ${identity.replace(' on ', ' on domain ')}`,
};

interface ForeignTrigger {
  target: string;
  definition: string;
}

type ForeignPolicy = ForeignTrigger;

interface SequenceParameters {
  name: string;
  parameters: string;
}

interface Extension {
  name: string;
  schema: string;
}

async function inspect(
  dbUrl: string,
): Promise<{
  grants: Grant[];
  comments: Comment[];
  triggers: ForeignTrigger[];
  policies: ForeignPolicy[];
  sequences: SequenceParameters[];
  extensions: Extension[];
}> {
  // An empty search_path makes Postgres qualify every name it prints (regprocedure, regclass).
  const client = new pg.Client({ connectionString: dbUrl, options: '-c search_path=' });
  await client.connect();
  try {
    const grants = (await client.query<Grant>(GRANTS_SQL, [SUPABASE_SCHEMAS])).rows;
    const comments = (await client.query<{ type: string; identity: string; text: string }>(COMMENTS_SQL, [SUPABASE_SCHEMAS])).rows.map(
      ({ type, identity, text }) => ({ target: (COMMENT_TARGET[type] ?? ((id: string) => `${type} ${id}`))(identity.replaceAll('pg_catalog.', '')), text }),
    );
    const triggers = (await client.query<ForeignTrigger>(FOREIGN_TRIGGERS_SQL, [SUPABASE_SCHEMAS])).rows;
    const policies = (await client.query<ForeignPolicy>(FOREIGN_POLICIES_SQL, [SUPABASE_SCHEMAS])).rows;
    const sequences = (await client.query<SequenceParameters>(SEQUENCES_SQL, [SUPABASE_SCHEMAS])).rows;
    const extensions = (await client.query<Extension>(EXTENSIONS_SQL, [SUPABASE_SCHEMAS])).rows;
    return { grants, comments, triggers, policies, sequences, extensions };
  } finally {
    await client.end();
  }
}

const grantKey = (grant: Grant) => `${grant.object}|${grant.column ?? ''}`;
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

function grantStatements(from: Grant[], to: Grant[]): string[] {
  const byObject = (grants: Grant[]) => {
    const map = new Map<string, string[]>();
    for (const grant of grants) {
      const items = map.get(grantKey(grant)) ?? [];
      if (grant.grantee) items.push(`${grant.grantee}:${grant.privilege}`);
      map.set(grantKey(grant), items);
    }
    return map;
  };
  const before = byObject(from);
  const after = byObject(to);
  const statements: string[] = [];
  // `revoke all` on a table takes its column grants too: those are then granted again.
  const rewritten = new Set<string>();
  // Sorted, a table's own key (`table x|`) comes before its columns' (`table x|col`).
  for (const key of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const [object, column] = key.split('|') as [string, string];
    const was = before.get(key);
    const is = after.get(key);
    const columnReset = Boolean(column) && rewritten.has(object);
    if (was && is && was.join() === is.join() && !columnReset) continue;
    const on = column ? `(${column}) on ${object}` : `on ${object}`;
    if (!is) {
      // A dropped object takes its grants with it; a column that grants nothing now loses what it had.
      if (column && after.has(`${object}|`)) {
        const privileges = [...new Set(was!.map((item) => item.split(':')[1]))].join(', ');
        statements.push(`revoke ${privileges} ${on} from ${API_ROLES.join(', ')};`);
      }
      continue;
    }
    // A new or changed object gets its grants written out in full: what a new object starts with
    // depends on the database's default privileges, which differ between the local stack and hosted.
    if (column) {
      if (was?.length && !columnReset) statements.push(`revoke ${[...new Set(was.map((item) => item.split(':')[1]))].join(', ')} ${on} from ${API_ROLES.join(', ')};`);
    } else {
      statements.push(`revoke all ${on} from ${API_ROLES.join(', ')};`);
      rewritten.add(object);
    }
    const grantees = new Map<string, string[]>();
    for (const item of is) {
      const [grantee, privilege] = item.split(':') as [string, string];
      grantees.set(grantee, [...(grantees.get(grantee) ?? []), privilege]);
    }
    for (const [grantee, privileges] of grantees) statements.push(`grant ${privileges.join(', ')} ${on} to ${grantee};`);
  }
  return statements;
}

/**
 * Extensions in Supabase's schemas: created (or moved) before anything that may use them, dropped
 * after what used them is gone. Those migra itself wrote are left to it.
 */
function extensionStatements(from: Extension[], to: Extension[], structural: string[]): { first: string[]; last: string[] } {
  const before = new Map(from.map((extension) => [extension.name, extension.schema]));
  const after = new Map(to.map((extension) => [extension.name, extension.schema]));
  const written = (name: string) => structural.some((statement) => new RegExp(`^(create|drop) extension .*"${name}"`, 'i').test(statement));
  const first: string[] = [];
  const last: string[] = [];
  for (const [name, schema] of after) {
    if (before.get(name) === schema || written(name)) continue;
    if (before.has(name)) first.push(`drop extension if exists "${name}";`);
    first.push(`create extension if not exists "${name}" with schema "${schema}";`);
  }
  for (const name of before.keys()) {
    if (!after.has(name) && !written(name)) last.push(`drop extension if exists "${name}";`);
  }
  return { first, last };
}

function sequenceStatements(from: SequenceParameters[], to: SequenceParameters[]): string[] {
  const before = new Map(from.map((sequence) => [sequence.name, sequence.parameters]));
  // A sequence created now (with its table) starts at 1: restart it where it must start. One that exists
  // keeps the values it has handed out.
  return to
    .filter((sequence) => before.get(sequence.name) !== sequence.parameters)
    .map((sequence) => `alter sequence ${sequence.name} ${sequence.parameters}${before.has(sequence.name) ? '' : ' restart'};`);
}

function triggerStatements(from: ForeignTrigger[], to: ForeignTrigger[]): string[] {
  const before = new Map(from.map((trigger) => [trigger.target, trigger.definition]));
  const after = new Map(to.map((trigger) => [trigger.target, trigger.definition]));
  const statements: string[] = [];
  for (const [target, definition] of before) {
    if (after.get(target) !== definition) statements.push(`drop trigger if exists ${target};`);
  }
  for (const [target, definition] of after) {
    if (before.get(target) !== definition) statements.push(`${definition};`);
  }
  return statements;
}

/**
 * Changed or dropped policies go before migra's statements (a policy can name a function or table that
 * they drop), new or changed ones after (it may name what they create).
 */
function policyStatements(from: ForeignPolicy[], to: ForeignPolicy[]): { first: string[]; last: string[] } {
  const before = new Map(from.map((policy) => [policy.target, policy.definition]));
  const after = new Map(to.map((policy) => [policy.target, policy.definition]));
  const first: string[] = [];
  const last: string[] = [];
  for (const [target, definition] of before) {
    if (after.get(target) !== definition) first.push(`drop policy if exists ${target};`);
  }
  for (const [target, definition] of after) {
    if (before.get(target) !== definition) last.push(`${definition};`);
  }
  return { first, last };
}

function commentStatements(from: Comment[], to: Comment[], dropped: string[]): string[] {
  // A dropped and re-created object has lost its comment, and so have its columns.
  const recreated = (target: string) => dropped.some((name) => target.replaceAll('"', '').includes(name));
  const before = new Map(from.filter((comment) => !recreated(comment.target)).map((comment) => [comment.target, comment.text]));
  const after = new Map(to.map((comment) => [comment.target, comment.text]));
  const statements: string[] = [];
  for (const [target, text] of after) {
    if (before.get(target) !== text) statements.push(`comment on ${target} is ${literal(text)};`);
  }
  return statements;
}

const CREATE_FUNCTION = /^create or replace function\s+"?(\w+)"?\."?(\w+)"?\s*\(/i;
const CREATE_TABLE = /^create table\s/i;

/**
 * migra creates every table before any function, but a table whose column default or generated
 * expression calls a function needs that function first: such functions move up, before the first
 * table that names them.
 */
function functionsBeforeTablesThatCallThem(statements: string[]): string[] {
  const ordered = [...statements];
  for (const statement of statements) {
    const match = CREATE_FUNCTION.exec(statement);
    if (!match) continue;
    const called = new RegExp(`"?${match[1]}"?\\."?${match[2]}"?\\s*\\(`);
    const firstTable = ordered.findIndex((other) => CREATE_TABLE.test(other) && called.test(other));
    const at = ordered.indexOf(statement);
    if (firstTable >= 0 && firstTable < at) {
      ordered.splice(at, 1);
      ordered.splice(firstTable, 0, statement);
    }
  }
  return ordered;
}

const CREATE_COMPOSITE_TYPE = /^create type\s+("?\w+"?)\."?(\w+)"?\s+as\s*\(/i;

/**
 * migra places a composite type among the functions, sometimes after a function that takes or returns
 * it: each moves up to just before the first statement that names it (and after its own drop, if the
 * type is being re-created).
 */
function compositeTypesBeforeUse(statements: string[]): string[] {
  const ordered = [...statements];
  for (const statement of statements) {
    const match = CREATE_COMPOSITE_TYPE.exec(statement);
    if (!match) continue;
    const name = new RegExp(`"?${match[1]!.replaceAll('"', '')}"?\\."?${match[2]}"?\\b`);
    ordered.splice(ordered.indexOf(statement), 1);
    const dropped = ordered.findIndex((other) => /^drop type\s/i.test(other) && name.test(other));
    let at = ordered.findIndex((other, index) => index > dropped && !/^drop\s/i.test(other) && name.test(other));
    if (at < 0) at = ordered.length;
    ordered.splice(at, 0, statement);
  }
  return ordered;
}

export interface SchemaDiff {
  /** Statements that turn `from` into `to`; empty when the two schemas agree. */
  statements: string[];
  /** The same, as one script. */
  sql: string;
}

/** The changes that make the schema of the database at `fromUrl` equal to the one at `toUrl`. */
export async function diffSchemas(fromUrl: string, toUrl: string): Promise<SchemaDiff> {
  // Clients of our own, to close when done (given URLs, migra leaves its pools open). pg-promise warns
  // whenever a process opens a second pool to one database, which a diff tool does by design.
  const options = { pgpOptions: { initialize: { noWarnings: true } } };
  const clients = [createClient(fromUrl, options), createClient(toUrl, options)] as const;
  let migration;
  try {
    migration = await run(clients[0], clients[1], { unsafe: true, excludeSchema: SUPABASE_SCHEMAS });
  } finally {
    await Promise.all(clients.map((client) => client.end()));
  }
  const structural = functionsBeforeTablesThatCallThem(
    compositeTypesBeforeUse(
      [...migration.statements].map((statement) => statement.trim().replace(STAND_IN_EXTENSION, '$1')).filter(Boolean),
    ),
  );
  const [from, to] = await Promise.all([inspect(fromUrl), inspect(toUrl)]);
  const extensions = extensionStatements(from.extensions, to.extensions, structural);
  const policies = policyStatements(from.policies, to.policies);
  const dropped = structural.flatMap((statement: string) => {
    const match = /^drop (?:function|procedure|table|view|materialized view|type|index|policy|trigger|sequence) (?:if exists )?("?[\w$]+"?(?:\."?[\w$]+"?)?)/i.exec(statement);
    return match ? [match[1]!.replaceAll('"', '')] : [];
  });
  const statements = [
    ...extensions.first,
    ...policies.first,
    ...structural,
    ...sequenceStatements(from.sequences, to.sequences),
    ...triggerStatements(from.triggers, to.triggers),
    ...policies.last,
    ...grantStatements(from.grants, to.grants),
    ...commentStatements(from.comments, to.comments, dropped),
    ...extensions.last,
  ];
  return { statements, sql: statements.length ? `${statements.join('\n\n')}\n` : '' };
}
