/**
 * `realtime.messages` keeps broadcasts 72 hours, as hosted Realtime's daily partitions do: the stack's
 * janitor deletes older rows and keeps the rest.
 */
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../core/logger.ts';
import { RETENTION_HOURS, startMessageRetention, type MessageRetention } from '../realtime/retention.ts';
import { sql, stack } from './helpers.ts';

let pool: pg.Pool;
let retention: MessageRetention;
const topic = `retention-${process.pid}-${Date.now()}`;

beforeAll(() => {
  pool = new pg.Pool({ connectionString: stack.dbUrl, max: 2 });
  retention = startMessageRetention({ pool, log: createLogger(true), everyMs: 3_600_000 });
});

afterAll(async () => {
  retention.stop();
  await pool.end();
});

it('deletes broadcasts older than 72 hours and keeps younger ones', async () => {
  await sql(
    `insert into realtime.messages (topic, extension, event, payload, private, inserted_at)
     select $1, 'broadcast', label, '{}'::jsonb, true, now()::timestamp - make_interval(hours => hours)
     from (values ('fresh', 0), ('almost', $2::int - 1), ('aged', $2::int + 1), ('old', 24 * 30)) as v(label, hours)`,
    [topic, RETENTION_HOURS],
  );
  const removed = await retention.sweep();
  expect(removed).toBeGreaterThanOrEqual(2);
  const left = await sql<{ event: string }>('select event from realtime.messages where topic = $1 order by event', [topic]);
  expect(left.map((row) => row.event)).toEqual(['almost', 'fresh']);
});
