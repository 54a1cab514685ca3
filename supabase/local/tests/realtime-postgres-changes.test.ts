/**
 * Realtime's Postgres Changes, the module the socket calls: changes come from the WAL after commit and
 * in commit order, only for tables in `supabase_realtime`, only to subscribers who may SELECT the row,
 * narrowed by supabase-js's filters, in the shape Realtime sends. No socket is involved.
 *
 * "Nothing delivered" is proven with a marker: a change that must arrive is committed after the one
 * that must not, and since delivery keeps commit order, the marker's arrival means the other was skipped.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stack as project } from './helpers.ts';
import { freePort } from '../core/ports.ts';
import { PASSWORD, SUPERUSER } from '../postgres/index.ts';
import {
  startPostgresChanges,
  type ChangeMessage,
  type ChangeSubscription,
  type PostgresChanges,
  type Subscriber,
} from '../realtime/postgres-changes.ts';
import { startStack, type RunningStack } from '../stack.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'pro-portal-rt-changes-'));
let running: RunningStack;
let changes: PostgresChanges;
let db: pg.Pool;

const alice = randomUUID();
const bob = randomUUID();
const asUser = (sub: string): Subscriber => ({ role: 'authenticated', claims: { sub, role: 'authenticated' } });
const service: Subscriber = { role: 'service_role', claims: { role: 'service_role' } };

interface Received {
  ids: number[];
  change: ChangeMessage;
}

/** Subscribes and collects what arrives. */
async function listen(subscriber: Subscriber, subs: ChangeSubscription[]) {
  const received: Received[] = [];
  const handle = await changes.subscribe(subscriber, subs, (ids, change) => received.push({ ids, change }));
  const until = async (count: number, timeoutMs = 30_000): Promise<Received[]> => {
    const deadline = Date.now() + timeoutMs;
    while (received.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} changes, got ${JSON.stringify(received, null, 1)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return received;
  };
  return { received, until, handle };
}

async function sql(text: string, values: unknown[] = []): Promise<pg.QueryResult> {
  return db.query(text, values);
}

beforeAll(async () => {
  running = await startStack({
    supabaseDir: project.supabaseDir,
    port: await freePort(),
    dbPort: await freePort(),
    mailPort: await freePort(),
    smtpPort: await freePort(),
    dataDir,
    quiet: true,
  });
  changes = running.postgresChanges!;
  db = new pg.Pool({ connectionString: running.dbUrl, max: 3 });
  // As a project would in a migration, as `postgres`.
  await sql(`
    create table public.rt_notes (id bigint primary key, owner uuid not null, body text, n int, tags text[]);
    alter table public.rt_notes enable row level security;
    create policy rt_notes_own on public.rt_notes for select to authenticated using (owner = auth.uid());
    grant select on public.rt_notes to anon, authenticated, service_role;
    create table public.rt_full (id bigint primary key, label text, at timestamptz);
    alter table public.rt_full replica identity full;
    grant select on public.rt_full to authenticated;
    create table public.rt_hidden (id bigint primary key);
    grant select on public.rt_hidden to authenticated;
    alter publication supabase_realtime add table public.rt_notes, public.rt_full;
  `);
}, 120_000);

afterAll(async () => {
  await db?.end();
  await running?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('Postgres Changes from the WAL', () => {
  it('has the supabase_realtime publication, owned by postgres so migrations can add tables to it', async () => {
    const { rows } = await sql(
      `select pg_get_userbyid(pubowner) as owner, puballtables from pg_publication where pubname = 'supabase_realtime'`,
    );
    expect(rows).toEqual([{ owner: 'postgres', puballtables: false }]);
  });

  it('delivers insert, update and delete in commit order with the shape Realtime sends', async () => {
    const sub = await listen(service, [{ event: '*', schema: 'public', table: 'rt_full' }]);
    expect(sub.handle.ids).toHaveLength(1);
    expect(Number.isInteger(sub.handle.ids[0])).toBe(true);
    await sql(`insert into public.rt_full values (1, 'one', '2026-01-02T03:04:05Z')`);
    await sql(`update public.rt_full set label = 'uno' where id = 1`);
    await sql(`delete from public.rt_full where id = 1`);
    const got = await sub.until(3);
    sub.handle.unsubscribe();
    expect(got.map((r) => r.change.type)).toEqual(['INSERT', 'UPDATE', 'DELETE']);
    for (const r of got) expect(r.ids).toEqual(sub.handle.ids);
    const [insert, update, del] = got.map((r) => r.change);
    expect(insert).toMatchObject({
      schema: 'public',
      table: 'rt_full',
      type: 'INSERT',
      columns: [
        { name: 'id', type: 'int8' },
        { name: 'label', type: 'text' },
        { name: 'at', type: 'timestamptz' },
      ],
      record: { id: 1, label: 'one', at: '2026-01-02T03:04:05+00:00' },
      old_record: {},
      errors: null,
    });
    expect(insert!.commit_timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    // The WAL counts from 2000-01-01; the message from 1970.
    expect(Math.abs(Date.parse(insert!.commit_timestamp) - Date.now())).toBeLessThan(60_000);
    // REPLICA IDENTITY FULL: the whole old row.
    expect(update).toMatchObject({ record: { id: 1, label: 'uno' }, old_record: { id: 1, label: 'one', at: '2026-01-02T03:04:05+00:00' } });
    expect(del).toMatchObject({ record: {}, old_record: { id: 1, label: 'uno' } });
  });

  it('sends only the primary key as old_record without replica identity full', async () => {
    const sub = await listen(asUser(alice), [{ event: 'UPDATE', schema: 'public', table: 'rt_notes' }]);
    await sql(`insert into public.rt_notes values (10, $1, 'before', 1)`, [alice]);
    await sql(`update public.rt_notes set body = 'after' where id = 10`);
    const [update] = await sub.until(1);
    sub.handle.unsubscribe();
    expect(update!.change.type).toBe('UPDATE');
    expect(update!.change.record).toMatchObject({ id: 10, body: 'after', owner: alice });
    expect(update!.change.old_record).toEqual({ id: 10 });
  });

  it('delivers nothing for a rolled-back transaction, and the transactions around it in order', async () => {
    const sub = await listen(service, [{ event: 'INSERT', schema: 'public', table: 'rt_full' }]);
    await sql(`insert into public.rt_full values (20, 'before')`);
    const client = await db.connect();
    try {
      await client.query('begin');
      await client.query(`insert into public.rt_full values (21, 'rolled back')`);
      await client.query('rollback');
    } finally {
      client.release();
    }
    await sql(`insert into public.rt_full values (22, 'after')`);
    const got = await sub.until(2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    sub.handle.unsubscribe();
    expect(got.map((r) => r.change.record.id)).toEqual([20, 22]);
  });

  it('delivers a multi-row transaction whole, in statement order', async () => {
    const sub = await listen(service, [{ event: '*', schema: 'public', table: 'rt_full' }]);
    await sql(`begin; insert into public.rt_full values (30, 'a'); update public.rt_full set label = 'b' where id = 30; insert into public.rt_full values (31, 'c'); commit;`);
    const got = await sub.until(3);
    sub.handle.unsubscribe();
    expect(got.map((r) => [r.change.type, r.change.record.id, r.change.record.label])).toEqual([
      ['INSERT', 30, 'a'],
      ['UPDATE', 30, 'b'],
      ['INSERT', 31, 'c'],
    ]);
    // One transaction, one commit time.
    expect(new Set(got.map((r) => r.change.commit_timestamp)).size).toBe(1);
  });

  it('delivers nothing for a table outside the publication, and refuses to subscribe to it', async () => {
    await expect(changes.subscribe(service, [{ event: '*', schema: 'public', table: 'rt_hidden' }], () => undefined)).rejects.toThrow(
      'Unable to subscribe to changes with given parameters. Please check Realtime is enabled for the given connect parameters: [event: *, schema: public, table: rt_hidden, filters: [], select: nil]',
    );
    const sub = await listen(service, [{ event: '*', schema: 'public' }]);
    await sql(`insert into public.rt_hidden values (1)`);
    await sql(`insert into public.rt_full values (40, 'marker')`);
    const got = await sub.until(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    sub.handle.unsubscribe();
    expect(got.map((r) => `${r.change.table}:${String(r.change.record.id)}`)).toEqual(['rt_full:40']);
  });
});

describe('row-level security per subscriber', () => {
  it('gives a row only to the subscriber whose SELECT policy admits it', async () => {
    const a = await listen(asUser(alice), [{ event: 'INSERT', schema: 'public', table: 'rt_notes' }]);
    const b = await listen(asUser(bob), [{ event: 'INSERT', schema: 'public', table: 'rt_notes' }]);
    await sql(`insert into public.rt_notes values (50, $1, 'alice only')`, [alice]);
    await sql(`insert into public.rt_notes values (51, $1, 'bob only')`, [bob]);
    const gotA = await a.until(1);
    const gotB = await b.until(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    a.handle.unsubscribe();
    b.handle.unsubscribe();
    expect(gotA.map((r) => r.change.record.body)).toEqual(['alice only']);
    expect(gotB.map((r) => r.change.record.body)).toEqual(['bob only']);
  });

  it('gives nothing to a role without a policy (anon), and follows new claims after updateSubscriber', async () => {
    const anon = await listen({ role: 'anon', claims: { role: 'anon' } }, [{ event: 'INSERT', schema: 'public', table: 'rt_notes' }]);
    const moving = await listen(asUser(bob), [{ event: 'INSERT', schema: 'public', table: 'rt_notes' }]);
    await sql(`insert into public.rt_notes values (60, $1, 'for alice')`, [alice]);
    changes.updateSubscriber(moving.handle, asUser(alice));
    await sql(`insert into public.rt_notes values (61, $1, 'for alice again')`, [alice]);
    const got = await moving.until(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    anon.handle.unsubscribe();
    moving.handle.unsubscribe();
    expect(anon.received).toEqual([]);
    // Row 60 may or may not be checked before the switch; row 61 is certainly checked as alice.
    expect(got.map((r) => r.change.record.id)).toContain(61);
  });

  it('checks each row in a snapshot that sees its transaction: none of many quick commits is lost', async () => {
    const count = 200;
    const a = await listen(asUser(alice), [{ event: 'INSERT', schema: 'public', table: 'rt_notes', filter: 'body=eq.burst' }]);
    const b = await listen(asUser(bob), [{ event: 'INSERT', schema: 'public', table: 'rt_notes', filter: 'body=eq.burst' }]);
    const started = Date.now();
    // Separate transactions from two connections at once, so commits land while others are decoded.
    await Promise.all(
      [0, 1].map(async (lane) => {
        for (let i = lane; i < count; i += 2) await sql(`insert into public.rt_notes values ($1, $2, 'burst')`, [90_000 + i, alice]);
      }),
    );
    const got = await a.until(count, 60_000);
    const elapsed = Date.now() - started;
    a.handle.unsubscribe();
    b.handle.unsubscribe();
    expect(got.map((r) => r.change.record.id)).toHaveLength(count);
    expect(new Set(got.map((r) => r.change.record.id)).size).toBe(count);
    expect(b.received).toEqual([]);
    // Not a benchmark (npm run bench is), only a sign of the order of magnitude on this machine.
    console.info(`postgres_changes: ${count} RLS-checked inserts to 2 subscribers in ${elapsed} ms`);
  }, 90_000);

  it('checks a lone commit as soon as it is decoded and still sees it, time after time', async () => {
    const a = await listen(asUser(alice), [{ event: 'INSERT', schema: 'public', table: 'rt_notes', filter: 'body=eq.lone' }]);
    // Each insert waits for the one before to arrive, so the decoder is idle and checks at once.
    for (let i = 0; i < 60; i += 1) {
      await sql(`insert into public.rt_notes values ($1, $2, 'lone')`, [95_000 + i, alice]);
      await a.until(i + 1, 10_000);
    }
    a.handle.unsubscribe();
    expect(a.received).toHaveLength(60);
  }, 120_000);

  it('checks many subscribers and rows together, each still getting exactly the rows its policy admits, in commit order', async () => {
    // Changes that arrive together are checked together (one lookup per distinct subscriber for a
    // whole batch): the batch mixes owners, an RLS-free table and two transactions.
    const users = Array.from({ length: 12 }, () => randomUUID());
    const subs: ChangeSubscription[] = [{ event: 'INSERT', schema: 'public', table: 'rt_notes', filter: 'body=eq.crowd' }];
    const listeners = await Promise.all(users.map((user) => listen(asUser(user), subs)));
    const full = await listen(asUser(alice), [{ event: 'INSERT', schema: 'public', table: 'rt_full' }]);
    const owners = `array[${users.map((user) => `'${user}'::uuid`).join(', ')}]`;
    await sql(`begin;
      insert into public.rt_notes select 97000 + g, (${owners})[1 + g % ${users.length}], 'crowd' from generate_series(0, 119) g;
      insert into public.rt_full values (97500, 'between', now());
      insert into public.rt_notes values (97600, '${users[0]}', 'crowd');
      commit;`);
    await sql(`insert into public.rt_notes values (97601, $1, 'crowd')`, [users[1]]);
    const expected = users.map((_, i) => [
      ...Array.from({ length: 120 / users.length }, (__, k) => 97000 + i + k * users.length),
      ...(i === 0 ? [97600] : []),
      ...(i === 1 ? [97601] : []),
    ]);
    const got = await Promise.all(listeners.map((listener, i) => listener.until(expected[i]!.length)));
    await full.until(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const listener of [...listeners, full]) listener.handle.unsubscribe();
    got.forEach((received, i) => expect(received.map((r) => r.change.record.id)).toEqual(expected[i]));
    expect(full.received.map((r) => r.change.record.id)).toEqual([97500]);
  }, 60_000);

  it('looks rows up by any primary key, for subscribers of different events in one batch, and after the table changes', async () => {
    // The lookup types each key by the table's own row type (columns renamed by position), so a
    // two-column text key with the characters of Postgres's composite and array syntax, a column
    // named like the ordinality and a dropped column must all still find exactly the right rows.
    await sql(`
      create table public.rt_keyed (gone int, room text, "ordinality" text, owner uuid not null, primary key (room, "ordinality"));
      alter table public.rt_keyed drop column gone;
      alter table public.rt_keyed enable row level security;
      create policy rt_keyed_own on public.rt_keyed for select to authenticated using (owner = auth.uid());
      grant select on public.rt_keyed to authenticated;
      alter publication supabase_realtime add table public.rt_keyed;
    `);
    const carol = randomUUID();
    const dave = randomUUID();
    // Carol hears only INSERTs, Dave everything: in one batch they are asked about different rows.
    const c = await listen(asUser(carol), [{ event: 'INSERT', schema: 'public', table: 'rt_keyed' }]);
    const d = await listen(asUser(dave), [{ event: '*', schema: 'public', table: 'rt_keyed' }]);
    const odd = ['a"b', 'c,d', 'e\\f', '(g)', '{h}', ' i ', ''];
    const writer = await db.connect();
    try {
      await writer.query('begin');
      const insert = `insert into public.rt_keyed (room, "ordinality", owner) select r, $1, $2 from unnest($3::text[]) r`;
      await writer.query(insert, ['x', carol, odd]);
      await writer.query(insert, ['y', dave, odd]);
      await writer.query(`update public.rt_keyed set owner = owner where room = 'a"b' and "ordinality" = 'y'`);
      await writer.query('commit');
    } finally {
      writer.release();
    }
    const key = (r: Received) => `${r.change.type} ${String(r.change.record.room)}|${String(r.change.record.ordinality)}`;
    expect((await c.until(odd.length)).map(key)).toEqual(odd.map((room) => `INSERT ${room}|x`));
    expect((await d.until(odd.length + 1)).map(key)).toEqual([...odd.map((room) => `INSERT ${room}|y`), 'UPDATE a"b|y']);

    // A new column: a new relation from the WAL, so the lookup is made again for the table's new shape.
    await sql(`alter table public.rt_keyed add column note text`);
    await sql(`insert into public.rt_keyed (room, "ordinality", owner, note) values ('z', 'x', $1, 'n'), ('z', 'y', $2, 'n')`, [carol, dave]);
    expect((await c.until(odd.length + 1)).map(key).at(-1)).toBe('INSERT z|x');
    expect((await d.until(odd.length + 2)).map(key).at(-1)).toBe('INSERT z|y');
    await new Promise((resolve) => setTimeout(resolve, 300));
    c.handle.unsubscribe();
    d.handle.unsubscribe();
    expect(c.received).toHaveLength(odd.length + 1);
    expect(d.received).toHaveLength(odd.length + 2);
    // The restart test below expects the publication as the setup left it.
    await sql(`drop table public.rt_keyed`);
  }, 60_000);

  it('sends DELETE unchecked but reduced to the primary key on an RLS table', async () => {
    await sql(`insert into public.rt_notes values (70, $1, 'secret')`, [alice]);
    const b = await listen(asUser(bob), [{ event: 'DELETE', schema: 'public', table: 'rt_notes' }]);
    await sql(`delete from public.rt_notes where id = 70`);
    const [del] = await b.until(1);
    b.handle.unsubscribe();
    expect(del!.change.old_record).toEqual({ id: 70 });
    expect(del!.change.record).toEqual({});
  });
});

describe('filters', () => {
  const cases: Array<[string, number[]]> = [
    ['n=eq.2', [2]],
    ['n=neq.2', [1, 3]],
    ['n=lt.2', [1]],
    ['n=lte.2', [1, 2]],
    ['n=gt.2', [3]],
    ['n=gte.2', [2, 3]],
    ['n=in.(1,3)', [1, 3]],
    ['body=eq.x,n=gt.1', [3]],
  ];
  it.each(cases)('%s delivers the matching rows only', async (filter, expected) => {
    const base = 1000 + Math.floor(Math.random() * 1_000_000) * 10;
    const sub = await listen(service, [{ event: 'INSERT', schema: 'public', table: 'rt_notes', filter }]);
    const marker = await listen(service, [{ event: 'INSERT', schema: 'public', table: 'rt_notes', filter: `id=eq.${base + 9}` }]);
    await sql(`insert into public.rt_notes (id, owner, body, n) values ($1, $4, 'x', 1), ($2, $4, 'y', 2), ($3, $4, 'x', 3)`, [
      base + 1,
      base + 2,
      base + 3,
      alice,
    ]);
    // The marker's n is NULL, which no comparison matches.
    await sql(`insert into public.rt_notes (id, owner) values ($1, $2)`, [base + 9, alice]);
    await marker.until(1);
    sub.handle.unsubscribe();
    marker.handle.unsubscribe();
    // Rows of other tests may still be on their way; this case's rows are its own ids.
    const own = sub.received.filter((r) => Number(r.change.record.id) > base && Number(r.change.record.id) < base + 10);
    expect(own.map((r) => r.change.record.n)).toEqual(expected);
  });

  it.each([
    ['nope=eq.1', 'unknown column'],
    ['n=foo.1', 'unknown operator'],
    ['n=eq.abc', 'value of the wrong type'],
    ['n=in.1,2', 'in without parentheses'],
    ['n', 'no operator'],
  ])('refuses %s (%s) with Realtime’s error', async (filter) => {
    await expect(
      changes.subscribe(service, [{ event: 'INSERT', schema: 'public', table: 'rt_notes', filter }], () => undefined),
    ).rejects.toThrow(/^Unable to subscribe to changes with given parameters/);
  });

  it('refuses a subscription with neither schema nor table', async () => {
    await expect(changes.subscribe(service, [{ event: '*', schema: '' }], () => undefined)).rejects.toThrow(/^No subscription params provided/);
  });
});

describe('the replication slot and the stack', () => {
  const slots = async () =>
    Number((await sql(`select count(*)::int as n from pg_replication_slots where slot_type = 'logical'`)).rows[0].n);

  it('holds a temporary slot only while open, and a second instance delivers too', async () => {
    const before = await slots();
    const url = new URL(running.dbUrl);
    url.username = SUPERUSER;
    url.password = PASSWORD;
    const other = await startPostgresChanges({ superuserUrl: url.toString(), log: { info: () => undefined, error: () => undefined } });
    try {
      expect(await slots()).toBe(before + 1);
      const received: ChangeMessage[] = [];
      await other.subscribe(service, [{ event: 'INSERT', schema: 'public', table: 'rt_full' }], (_ids, change) => received.push(change));
      await sql(`insert into public.rt_full values (80, 'second')`);
      const deadline = Date.now() + 30_000;
      while (received.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(received.map((c) => c.record.id)).toEqual([80]);
    } finally {
      await other.close();
    }
    // The temporary slot goes when its walsender has exited, a moment after the connection closed.
    const until = Date.now() + 10_000;
    while ((await slots()) !== before && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await slots()).toBe(before);
  });

  it('starts again on the same data dir with logical decoding, the publication kept, and postgresChanges: false holds no slot', async () => {
    await db.end();
    await running.stop();
    running = await startStack({
      supabaseDir: project.supabaseDir,
      port: await freePort(),
      dbPort: await freePort(),
      mailPort: await freePort(),
      smtpPort: await freePort(),
      dataDir,
      quiet: true,
      postgresChanges: false,
    });
    db = new pg.Pool({ connectionString: running.dbUrl, max: 3 });
    expect(running.postgresChanges).toBeUndefined();
    expect(await slots()).toBe(0);
    expect((await sql('show wal_level')).rows[0].wal_level).toBe('logical');
    const tables = await sql(`select tablename from pg_publication_tables where pubname = 'supabase_realtime' order by 1`);
    expect(tables.rows.map((r: { tablename: string }) => r.tablename)).toEqual(['rt_full', 'rt_notes']);
  }, 120_000);
});
