/**
 * Realtime's Postgres Changes: row changes of the tables in the `supabase_realtime` publication, read
 * from the WAL by logical decoding (pgoutput) on a temporary replication slot, so only committed
 * transactions arrive, whole and in commit order, and nothing is left behind in the cluster when the
 * stack stops or dies (Postgres drops a temporary slot with its connection).
 *
 * Each change goes to the subscriptions whose event, schema, table and filters match, and then only to
 * subscribers who could SELECT that row: as Realtime's `apply_rls`, the row is looked up by primary key
 * under the subscriber's role and `request.jwt.claims`, in a read-only transaction. Changes that are
 * waiting when the previous check ends are checked together, in commit order: one statement per distinct
 * subscriber (role and claims) asks which of the batch's rows it can see. DELETE is not RLS-checked (the row is gone), and on
 * an RLS table its `old_record` keeps only the primary key, as Realtime does.
 */
import pg from 'pg';
import { LogicalReplicationService, PgoutputPlugin, type Pgoutput } from 'pg-logical-replication';
import type { Logger } from '../core/logger.ts';
import { parseFilter, type Filter } from './postgres-changes-filter.ts';

export interface ChangeSubscription {
  event: '*' | 'INSERT' | 'UPDATE' | 'DELETE';
  schema: string;
  table?: string;
  filter?: string;
}
export interface Subscriber {
  role: string;
  claims: Record<string, unknown>;
}
export interface ChangeMessage {
  schema: string;
  table: string;
  commit_timestamp: string;
  eventType?: never;
  type: 'INSERT' | 'UPDATE' | 'DELETE';
  columns: Array<{ name: string; type: string }>;
  record: Record<string, unknown>;
  old_record: Record<string, unknown>;
  errors: null | string[];
}
export interface PostgresChanges {
  subscribe(
    subscriber: Subscriber,
    subs: ChangeSubscription[],
    deliver: (subscriptionIds: number[], change: ChangeMessage) => void,
  ): Promise<{ ids: number[]; unsubscribe(): void }>;
  updateSubscriber(handle: unknown, subscriber: Subscriber): void;
  close(): Promise<void>;
}

/** A subscription Realtime refuses; its message is what Realtime puts in the join reply / system event. */
export class PostgresChangesError extends Error {}

const PUBLICATION = 'supabase_realtime';
/** Pauses before the replication connection is made again after it broke (Postgres restarted). */
const RECONNECT_DELAYS_MS = [200, 500, 1000, 2000, 5000];

type Operation = 'INSERT' | 'UPDATE' | 'DELETE';

interface TableInfo {
  schema: string;
  table: string;
  columns: Array<{ name: string; type: string }>;
  primaryKey: string[];
  rls: boolean;
}

interface Binding {
  id: number;
  event: ChangeSubscription['event'];
  schema: string;
  /** undefined: every table of the schema. */
  table: string | undefined;
  filters: Filter[];
}

interface Listener {
  subscriber: Subscriber;
  bindings: Binding[];
  deliver: (subscriptionIds: number[], change: ChangeMessage) => void;
}

interface Change {
  type: Operation;
  relation: Pgoutput.MessageRelation;
  /** Column values as Postgres's text output (null for SQL NULL). */
  record: Record<string, string | null> | null;
  old: Record<string, string | null> | null;
  /** The 32-bit id of the transaction that made the change. */
  xid: number;
}

/** pgoutput's values as the text Postgres sent, so that Postgres itself turns them into JSON. */
class TextPgoutputPlugin extends PgoutputPlugin {
  constructor(private readonly slotName: string) {
    super({ protoVersion: 1, publicationNames: [PUBLICATION] });
  }
  override parse(buffer: Buffer): Pgoutput.Message {
    const message = super.parse(buffer);
    if (message.tag === 'relation') for (const column of message.columns) column.parser = (raw: unknown) => raw;
    return message;
  }
  // The slot is made on the streaming connection itself: a temporary slot lives as long as it.
  override async start(client: pg.Client, slotName: string, lastLsn: string): Promise<unknown> {
    await client.query(`CREATE_REPLICATION_SLOT "${this.slotName}" TEMPORARY LOGICAL pgoutput`);
    return super.start(client, slotName, lastLsn);
  }
}

/** `:erlang.phash2`-like: a stable non-negative integer below 2^27 for the same params. */
function subscriptionId(params: ChangeSubscription): number {
  const text = JSON.stringify([params.event, params.schema, params.table ?? null, params.filter ?? null]);
  let hash = 2166136261;
  for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
  return (hash >>> 0) & 0x7ffffff;
}

function describe(sub: ChangeSubscription): string {
  return `[event: ${sub.event}, schema: ${sub.schema}, table: ${sub.table ?? '*'}, filters: [${sub.filter ?? ''}], select: nil]`;
}

function unableToSubscribe(sub: ChangeSubscription): PostgresChangesError {
  return new PostgresChangesError(
    'Unable to subscribe to changes with given parameters. Please check Realtime is enabled for the given connect parameters: ' +
      describe(sub),
  );
}

/** Snapshots taken before a change's transaction shows as committed are retried this often (2 ms apart). */
const VISIBILITY_ATTEMPTS = 500;
/** Changes checked in one transaction at most: bounds the statements' size and a batch's delay. */
const MAX_BATCH = 500;

/**
 * Whether the current snapshot sees every transaction of `xids` (32 bits, as pgoutput gives them) as
 * committed: one snapshot read for all of them, however many a batch holds.
 */
function allCommittedInSnapshot(xids: number[]): string {
  // The full 64-bit id: the snapshot's epoch, or the one before when the 32-bit id wrapped since.
  const full = `(case when (m.xmax & ~4294967295) + x.xid > m.xmax then (m.xmax & ~4294967295) - 4294967296 + x.xid else (m.xmax & ~4294967295) + x.xid end)`;
  return `(select coalesce(bool_and(pg_visible_in_snapshot(${full}::text::xid8, m.snapshot)), true)
             from (select s, pg_snapshot_xmax(s)::text::bigint from pg_current_snapshot() s) m(snapshot, xmax),
                  unnest(array[${xids.join(', ')}]::bigint[]) x(xid))`;
}

const ident = (name: string) => pg.Client.prototype.escapeIdentifier(name);
const literal = (value: string) => pg.Client.prototype.escapeLiteral(value);

/** Postgres's text form of a composite or array element: quoted, with `"` and `\` escaped. */
const quoted = (value: string) => `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
/** A row of the table's type with only its key columns set (the others NULL), in Postgres's text form. */
function rowLiteral(info: TableInfo, record: Record<string, string | null>): string {
  return `(${info.columns.map(({ name }) => (info.primaryKey.includes(name) && record[name] != null ? quoted(record[name]) : '')).join(',')})`;
}
const arrayLiteral = (elements: string[]) => `{${elements.map(quoted).join(',')}}`;

/**
 * Which of the keys in the table's setting (0-based positions; `$1`, when not null, limits it to those
 * positions) the current role and claims can SELECT: each key typed by the table's own row type, so any
 * primary key works, and looked up under the table's policies.
 */
function lookupStatement(info: TableInfo, setting: string): string {
  const rowType = `${ident(info.schema)}.${ident(info.table)}`;
  // The keys' columns are renamed by position, so no column of the table can clash with the ordinality.
  const alias = (column: string) => `c${info.columns.findIndex(({ name }) => name === column)}`;
  const same = info.primaryKey.map((column) => `x.${ident(column)} = k.${alias(column)}`).join(' and ');
  return `select array(select k.i::int - 1
                         from unnest(current_setting(${literal(setting)})::${rowType}[]) with ordinality k(${info.columns.map((_, i) => `c${i}`).join(', ')}, i)
                        where ($1 is null or k.i::int - 1 = any($1))
                          and exists (select 1 from ${rowType} x where ${same})) as visible`;
}

export async function startPostgresChanges(options: { superuserUrl: string; log: Logger }): Promise<PostgresChanges> {
  const { log } = options;
  // The RLS checks, one change after the other on one connection; a change's check spans two round
  // trips of one transaction, so catalog lookups and subscription checks use a connection of their own.
  const db = new pg.Client({ connectionString: options.superuserUrl });
  const meta = new pg.Client({ connectionString: options.superuserUrl });
  for (const client of [db, meta]) {
    client.on('error', () => undefined);
    await client.connect();
  }

  const listeners = new Set<Listener>();
  const tables = new Map<string, TableInfo>();
  let closed = false;
  let service: LogicalReplicationService | undefined;
  let pending: Change[] = [];
  let xid = 0;
  const slotName = `realtime_changes_${process.pid}_${Date.now().toString(36)}`;

  const tableInfo = async (schema: string, table: string): Promise<TableInfo | undefined> => {
    const key = `${schema}.${table}`;
    const cached = tables.get(key);
    if (cached) return cached;
    const { rows } = await meta.query<{ columns: TableInfo['columns']; pk: string[] | null; rls: boolean }>(
      `select coalesce((select json_agg(json_build_object('name', a.attname, 'type', t.typname) order by a.attnum)
                          from pg_attribute a join pg_type t on t.oid = a.atttypid
                         where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped), '[]') as columns,
              (select array_agg(a.attname::text order by k.ord) from pg_index i
                 cross join unnest(i.indkey) with ordinality k(attnum, ord)
                 join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum
                where i.indrelid = c.oid and i.indisprimary) as pk,
              c.relrowsecurity as rls
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = $1 and c.relname = $2 and c.relkind in ('r', 'p')`,
      [schema, table],
    );
    const row = rows[0];
    if (!row) return undefined;
    const info = { schema, table, columns: row.columns, primaryKey: row.pk ?? [], rls: row.rls };
    tables.set(key, info);
    return info;
  };

  const matches = (binding: Binding, change: Change, values: Record<string, string | null> | null): boolean => {
    if (binding.event !== '*' && binding.event !== change.type) return false;
    if (binding.schema !== change.relation.schema) return false;
    if (binding.table !== undefined && binding.table !== change.relation.name) return false;
    if (binding.filters.length === 0) return true;
    // A filter on a column the change does not carry (DELETE without REPLICA IDENTITY FULL) cannot match.
    return !!values && binding.filters.every((filter) => filter.column in values);
  };

  /** A change waiting for its turn, with what it needs from Postgres to be sent. */
  interface Pending {
    change: Change;
    commitTimestamp: string;
    info: TableInfo;
    candidates: Array<{ listener: Listener; bindings: Binding[] }>;
    filterIndex: Map<Filter, number>;
    oldValues: Record<string, string | null> | null;
    checkRls: boolean;
  }

  const subscriberKey = (subscriber: Subscriber) => JSON.stringify([subscriber.role, subscriber.claims]);

  const prepare = async (change: Change, commitTimestamp: string): Promise<Pending | undefined> => {
    const { schema, name: table } = change.relation;
    const info = await tableInfo(schema, table);
    if (!info) return undefined;
    const filterValues = change.type === 'DELETE' ? change.old : change.record;
    const candidates: Pending['candidates'] = [];
    for (const listener of listeners) {
      const bindings = listener.bindings.filter((binding) => matches(binding, change, filterValues));
      if (bindings.length > 0) candidates.push({ listener, bindings });
    }
    if (candidates.length === 0) return undefined;
    // Without REPLICA IDENTITY FULL an UPDATE that keeps the key carries no old tuple: the key is the new one's.
    const oldValues =
      change.old ?? (change.type === 'UPDATE' && change.record ? Object.fromEntries(info.primaryKey.map((c) => [c, change.record![c] ?? null])) : null);
    // RLS tables only, and never for DELETE (the row is gone).
    return { change, commitTimestamp, info, candidates, filterIndex: new Map(), oldValues, checkRls: info.rls && change.type !== 'DELETE' };
  };

  /**
   * The record and old record as `to_jsonb` makes them and each filter's verdict, computed by Postgres
   * on values cast to the column types, as Realtime does.
   */
  const headStatement = (item: Pending): string => {
    const { change, info, candidates, filterIndex } = item;
    const rowType = `${ident(info.schema)}.${ident(info.table)}`;
    const populate = (values: Record<string, string | null> | null) =>
      values ? `jsonb_populate_record(null::${rowType}, ${literal(JSON.stringify(values))}::jsonb)` : null;
    const filterExprs: string[] = [];
    for (const { bindings } of candidates) {
      for (const binding of bindings) {
        for (const filter of binding.filters) {
          filterIndex.set(filter, filterExprs.length);
          filterExprs.push(`coalesce(${filter.sql('f')}, false)`);
        }
      }
    }
    const record = populate(change.record);
    const old = populate(item.oldValues);
    const filterValues = change.type === 'DELETE' ? change.old : change.record;
    return `select ${record ? `(select to_jsonb(r) from ${record} r)` : 'null'} as record,
              ${old ? `(select to_jsonb(o) from ${old} o)` : 'null'} as old,
              ${filterExprs.length ? `(select array[${filterExprs.join(', ')}] from ${populate(filterValues) ?? `(select null::${rowType}) x`} f)` : 'null'} as filters`;
  };

  /** The lookup statements prepared on `db`, by table; a table whose relation changed gets a new one. */
  const prepared = new Map<TableInfo, string>();
  let statementCount = 0;

  /**
   * Changes in commit order, checked together: one read-only transaction, one round trip for every
   * change's record and filters, and one statement per distinct subscriber (role and claims) that asks
   * which of the batch's rows that subscriber can SELECT. Per change and subscriber, this would be a
   * statement each: with 50 subscribers, 50 statements for every row.
   */
  const processBatch = async (items: Pending[]): Promise<void> => {
    const tablesOf = new Map<string, TableInfo>();
    for (const item of items) if (item.checkRls) tablesOf.set(`${item.info.schema}.${item.info.table}`, item.info);
    const xids = [...new Set(items.map((item) => item.change.xid))];
    const roleSet = new Set<string>();
    for (const item of items) if (item.checkRls) for (const { listener } of item.candidates) roleSet.add(listener.subscriber.role);
    const roles = [...roleSet];
    const tableList = [...tablesOf.values()];
    const tableIndex = new Map([...tablesOf.keys()].map((key, index) => [key, index]));
    const rowTypeOf = (info: TableInfo) => `${ident(info.schema)}.${ident(info.table)}`;
    // A role without SELECT on a table would fail the whole batch; it sees nothing there (Realtime's 401).
    const privilegeExprs = tableList.flatMap((info) =>
      roles.map(
        (role) => `exists (select 1 from pg_roles where rolname = ${literal(role)}) and has_table_privilege(${literal(role)}, ${literal(rowTypeOf(info))}, 'select')`,
      ),
    );
    const statements = [
      'begin isolation level repeatable read read only',
      `select ${allCommittedInSnapshot(xids)} as committed, array[${privilegeExprs.join(', ') || 'true'}]::boolean[] as privileged`,
    ];

    const visible = new Map<string, Set<number>>();
    const visibleTo = new Map<Listener, Set<number>>();
    let heads: Array<{ record: Record<string, unknown> | null; old: Record<string, unknown> | null; filters: boolean[] | null }>;
    try {
      let first: pg.QueryResult[];
      // The walsender may decode a commit a moment before other sessions see it; the rows' RLS checks
      // need a snapshot that does, or a visible row would look invisible. Only this small statement is
      // retried; the batch's work runs once, in the snapshot it took.
      for (let attempt = 0; ; attempt += 1) {
        first = (await db.query(statements.join(';\n'))) as unknown as pg.QueryResult[];
        const committed = (first[1]!.rows[0] as { committed: boolean }).committed;
        if (committed || attempt >= VISIBILITY_ATTEMPTS) break;
        await db.query('rollback');
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      const privileged = (first![1]!.rows[0] as { privileged: boolean[] }).privileged;

      // Which of the batch's rows (by index) each distinct subscriber may see, table by table. A
      // subscriber's key is made once per listener and batch, not once per row.
      const keyOf = new Map<Listener, string>();
      const subscribers = new Map<string, { subscriber: Subscriber; rows: Map<TableInfo, number[]> }>();
      const tableRows = new Map<TableInfo, number[]>();
      /** A row's position among its table's rows of the batch. */
      const positions = new Map<number, number>();
      items.forEach((item, index) => {
        if (!item.checkRls) return;
        const all = tableRows.get(item.info) ?? [];
        positions.set(index, all.length);
        all.push(index);
        tableRows.set(item.info, all);
        const table = tableIndex.get(`${item.info.schema}.${item.info.table}`)! * roles.length;
        for (const { listener } of item.candidates) {
          const { subscriber } = listener;
          if (!privileged[table + roles.indexOf(subscriber.role)]) continue;
          let key = keyOf.get(listener);
          if (key === undefined) keyOf.set(listener, (key = subscriberKey(subscriber)));
          let entry = subscribers.get(key);
          if (!entry) subscribers.set(key, (entry = { subscriber, rows: new Map() }));
          const rows = entry.rows.get(item.info) ?? [];
          if (rows.at(-1) !== index) rows.push(index);
          entry.rows.set(item.info, rows);
        }
      });
      // Each table's keys go into the transaction once, as an array of its row type (only the key
      // columns set) in a transaction-local setting; every subscriber's lookup is then one execution of a
      // statement prepared once per table on this connection, rather than hundreds of literal rows to
      // parse and plan per subscriber.
      const checks: string[] = [];
      const preparing: Array<[TableInfo, string]> = [];
      for (const [info, name] of prepared) {
        // The table's relation changed since (a new TableInfo): its statement goes.
        if (tables.get(`${info.schema}.${info.table}`) !== info) {
          prepared.delete(info);
          checks.push(`deallocate ${name}`);
        }
      }
      for (const [info, indexes] of tableRows) {
        if (info.primaryKey.length === 0) continue;
        let name = prepared.get(info);
        if (name === undefined) {
          name = `realtime_pc_lookup_${(statementCount += 1)}`;
          preparing.push([info, name]);
          checks.push(`prepare ${name}(int[]) as ${lookupStatement(info, `realtime.${name}`)}`);
        }
        const keys = indexes.map((index) => rowLiteral(info, items[index]!.change.record ?? {}));
        checks.push(`select set_config(${literal(`realtime.${name}`)}, ${literal(arrayLiteral(keys))}, true)`);
      }
      const statementOf = new Map([...prepared, ...preparing]);
      const asked: Array<{ key: string; at: number; tables: TableInfo[] }> = [];
      let role: string | undefined;
      for (const [key, { subscriber, rows }] of [...subscribers].sort(([, a], [, b]) => (a.subscriber.role < b.subscriber.role ? -1 : 1))) {
        if (subscriber.role !== role) checks.push(`set local role ${ident((role = subscriber.role))}`);
        checks.push(
          `select set_config('request.jwt.claims', ${literal(JSON.stringify(subscriber.claims))}, true),
                  set_config('request.jwt.claim.role', ${literal(subscriber.role)}, true)`,
        );
        const tables: TableInfo[] = [];
        for (const [info, indexes] of rows) {
          const name = statementOf.get(info);
          if (name === undefined) continue;
          tables.push(info);
          // Only the rows this subscriber is a candidate for, when that is not all of the table's: the
          // table's position of each (the setting holds the table's rows in batch order).
          const all = tableRows.get(info)!;
          const only = indexes.length === all.length ? 'null' : `'{${indexes.map((index) => positions.get(index)).join(',')}}'`;
          checks.push(`execute ${name}(${only})`);
        }
        asked.push({ key, at: checks.length - tables.length, tables });
      }
      if (role !== undefined) checks.push('reset role');
      // One round trip: every change's record and filters, then the subscribers' lookups.
      const results = (await db.query([...items.map(headStatement), ...checks].join(';\n'))) as unknown as pg.QueryResult | pg.QueryResult[];
      for (const [info, name] of preparing) prepared.set(info, name);
      const list = Array.isArray(results) ? results : [results];
      heads = list.slice(0, items.length).map((result) => result.rows[0] as (typeof heads)[number]);
      for (const { key, at, tables } of asked) {
        const seen = new Set<number>();
        tables.forEach((info, t) => {
          const all = tableRows.get(info)!;
          for (const position of (list[items.length + at + t]!.rows[0] as { visible: number[] }).visible) seen.add(all[position]!);
        });
        visible.set(key, seen);
      }
      for (const [listener, key] of keyOf) visibleTo.set(listener, visible.get(key)!);
      await db.query('rollback');
    } catch (error) {
      // Fails closed: a policy that raises, say, delivers to nobody.
      await db.query('rollback').catch(() => undefined);
      log.error('realtime', `postgres_changes: could not check ${items.length} change(s) for their subscribers`, error);
      return;
    }

    items.forEach((item, index) => {
      const { change, info, candidates, filterIndex } = item;
      const head = heads[index]!;
      const carried = head.old ?? {};
      let oldRecord: Record<string, unknown> = Object.fromEntries(Object.keys(item.oldValues ?? {}).map((c) => [c, carried[c]]));
      if (change.type !== 'INSERT' && info.rls) {
        oldRecord = Object.fromEntries(info.primaryKey.filter((column) => column in oldRecord).map((column) => [column, oldRecord[column]]));
      }
      const message: ChangeMessage = {
        schema: info.schema,
        table: info.table,
        commit_timestamp: item.commitTimestamp,
        type: change.type,
        columns: info.columns,
        record: change.type === 'DELETE' ? {} : (head.record ?? {}),
        old_record: change.type === 'INSERT' ? {} : oldRecord,
        errors: null,
      };
      for (const { listener, bindings } of candidates) {
        if (item.checkRls && !visibleTo.get(listener)?.has(index)) continue;
        const passes = (binding: Binding) => binding.filters.every((filter) => head.filters?.[filterIndex.get(filter)!] === true);
        // One binding, the usual case, without the arrays and set made for several.
        const ids =
          bindings.length === 1 ? (passes(bindings[0]!) ? [bindings[0]!.id] : []) : [...new Set(bindings.filter(passes).map((binding) => binding.id))];
        if (ids.length === 0) continue;
        try {
          listener.deliver(ids, message);
        } catch (error) {
          log.error('realtime', 'postgres_changes: a subscriber failed to take a change', error);
        }
      }
    });
  };

  /** Committed changes not yet sent, oldest first; one drain at a time keeps commit order. */
  const backlog: Array<{ change: Change; commitTimestamp: string }> = [];
  let draining: Promise<void> | undefined;
  const kick = (): void => {
    if (draining) return;
    draining = drain().finally(() => {
      draining = undefined;
      // A commit that arrived as the loop ended.
      if (backlog.length > 0 && !closed) kick();
    });
  };
  const drain = async (): Promise<void> => {
    while (backlog.length > 0 && !closed) {
      const taken = backlog.splice(0, MAX_BATCH);
      if (listeners.size === 0) continue;
      const items: Pending[] = [];
      for (const { change, commitTimestamp } of taken) {
        const item = await prepare(change, commitTimestamp).catch((error: unknown) => {
          log.error('realtime', 'postgres_changes failed', error);
          return undefined;
        });
        if (item) items.push(item);
      }
      if (items.length > 0) await processBatch(items).catch((error: unknown) => log.error('realtime', 'postgres_changes failed', error));
    }
  };

  const onMessage = (message: Pgoutput.Message): void => {
    switch (message.tag) {
      case 'begin':
        pending = [];
        xid = message.xid;
        return;
      case 'relation':
        tables.delete(`${message.schema}.${message.name}`);
        return;
      case 'insert':
        pending.push({ type: 'INSERT', relation: message.relation, record: message.new, old: null, xid });
        return;
      case 'update':
        pending.push({ type: 'UPDATE', relation: message.relation, record: message.new, old: message.old ?? message.key, xid });
        return;
      case 'delete':
        pending.push({ type: 'DELETE', relation: message.relation, record: null, old: message.old ?? message.key, xid });
        return;
      case 'commit': {
        const changes = pending;
        pending = [];
        const millis = Number((message.commitTime as bigint) / 1000n);
        const commitTimestamp = new Date(millis).toISOString();
        for (const change of changes) backlog.push({ change, commitTimestamp });
        kick();
        return;
      }
      default:
        return;
    }
  };

  const connect = async (attempt = 0): Promise<void> => {
    if (closed) return;
    const plugin = new TextPgoutputPlugin(slotName);
    const current = new LogicalReplicationService(
      { connectionString: options.superuserUrl },
      { acknowledge: { auto: true, timeoutSeconds: 10 } },
    );
    service = current;
    current.on('data', (_lsn: string, message: Pgoutput.Message) => onMessage(message));
    let restarted = false;
    const again = (error: unknown) => {
      if (closed || restarted) return;
      restarted = true;
      log.error('realtime', 'postgres_changes replication connection lost; reconnecting', error);
      void current.destroy().catch(() => undefined);
      const delay = RECONNECT_DELAYS_MS[Math.min(attempt, RECONNECT_DELAYS_MS.length - 1)]!;
      setTimeout(() => void connect(attempt + 1), delay).unref();
    };
    current.on('error', again);
    // subscribe() resolves only when streaming ends; streaming has begun once `start` fires.
    await new Promise<void>((resolve) => {
      current.on('start', () => resolve());
      current.subscribe(plugin, slotName).then(
        () => again(new Error('replication stream ended')),
        (error: unknown) => {
          resolve();
          again(error);
        },
      );
    });
  };
  await connect();

  const toBinding = async (sub: ChangeSubscription): Promise<Binding> => {
    const event = typeof sub.event === 'string' ? (sub.event.toUpperCase() as Binding['event']) : sub.event;
    if (!['*', 'INSERT', 'UPDATE', 'DELETE'].includes(event)) throw unableToSubscribe(sub);
    const wildcardTable = sub.table === undefined || sub.table === '*';
    if ((sub.schema === undefined || sub.schema === '') && wildcardTable) {
      throw new PostgresChangesError('No subscription params provided. Please provide at least a `schema` or `table` to subscribe to.');
    }
    const schema = sub.schema === undefined || sub.schema === '' ? 'public' : sub.schema;
    const table = wildcardTable ? undefined : sub.table;
    const published = await meta.query<{ tablename: string }>(
      'select tablename from pg_publication_tables where pubname = $1 and schemaname = $2 and ($3::text is null or tablename = $3)',
      [PUBLICATION, schema, table ?? null],
    );
    if (published.rowCount === 0 && table !== undefined) throw unableToSubscribe(sub);
    let filters: Filter[] = [];
    if (sub.filter !== undefined && sub.filter !== null && sub.filter !== '') {
      if (table === undefined) throw unableToSubscribe(sub);
      const info = await tableInfo(schema, table);
      try {
        filters = parseFilter(sub.filter, info?.columns ?? []);
        // Values that do not cast to the column's type are refused now, not at the first change.
        for (const filter of filters) await meta.query(`select ${filter.sql(`(select null::${ident(schema)}.${ident(table)})`)}`);
      } catch {
        throw unableToSubscribe(sub);
      }
    }
    return { id: subscriptionId(sub), event, schema, table, filters };
  };

  return {
    async subscribe(subscriber, subs, deliver) {
      const bindings: Binding[] = [];
      for (const sub of subs) bindings.push(await toBinding(sub));
      const listener: Listener = { subscriber, bindings, deliver };
      listeners.add(listener);
      return { ids: bindings.map((binding) => binding.id), unsubscribe: () => listeners.delete(listener), listener };
    },
    updateSubscriber(handle, subscriber) {
      const listener = (handle as { listener?: Listener } | undefined)?.listener;
      if (listener && listeners.has(listener)) listener.subscriber = subscriber;
    },
    async close() {
      if (closed) return;
      closed = true;
      listeners.clear();
      await service?.destroy().catch(() => undefined);
      await draining?.catch(() => undefined);
      await db.end().catch(() => undefined);
      await meta.end().catch(() => undefined);
    },
  };
}
