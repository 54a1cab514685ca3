/**
 * The pg_cron stand-in: `create extension pg_cron with schema pg_catalog` as a migration writes it,
 * pg_cron's functions and tables, its schedule syntax (and its refusal of a bad one), and the stack's
 * scheduler running due jobs as their role, one run at a time per job, recorded in
 * `cron.job_run_details` as pg_cron records them.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stack as project } from './helpers.ts';
import { SUPERUSER } from '../postgres/index.ts';
import { startThrowawayStack } from '../tooling/throwaway-stack.ts';

interface Run {
  runid: string;
  status: string;
  return_message: string | null;
  start_time: Date | null;
  end_time: Date | null;
  username: string;
  database: string;
  job_pid: number | null;
}

let running: Awaited<ReturnType<typeof startThrowawayStack>>;
let db: pg.Pool;

async function sql<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  return (await db.query<T>(text, values)).rows;
}

/** As a role of the API, in a transaction of its own that is rolled back. */
async function as<T extends pg.QueryResultRow>(role: string, text: string): Promise<T[]> {
  const client = await db.connect();
  try {
    await client.query('begin');
    await client.query(`set local role ${role}`);
    return (await client.query<T>(text)).rows;
  } finally {
    await client.query('rollback').catch(() => undefined);
    client.release();
  }
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function runs(jobname: string): Promise<Run[]> {
  return sql<Run>(
    `select d.runid, d.status, d.return_message, d.start_time, d.end_time, d.username, d.database, d.job_pid
     from cron.job_run_details d join cron.job j using (jobid) where j.jobname = $1 order by d.runid`,
    [jobname],
  );
}

beforeAll(async () => {
  running = await startThrowawayStack({ label: 'pg-cron', supabaseDir: project.supabaseDir });
  db = new pg.Pool({ connectionString: running.dbUrl, max: 4 });
  // As a project's migration writes it for hosted Supabase.
  await sql('create extension if not exists pg_net with schema extensions; create extension if not exists pg_cron with schema pg_catalog;');
  await sql('create table public.cron_probe (id bigint generated always as identity, who text, session_who text, at timestamptz default clock_timestamp())');
  // Its minute comes while the other tests run; the last test looks at it.
  await sql(`select cron.schedule('probe-minute', '* * * * *', 'select 1')`);
});

afterAll(async () => {
  await db?.end();
  await running?.stop();
});

describe('pg_cron stand-in', () => {
  it("runs a '1 seconds' job as the role that scheduled it, and records each run", async () => {
    const [{ jobid }] = (await sql<{ jobid: string }>(
      `select cron.schedule('probe-tick', '1 seconds', 'insert into public.cron_probe (who, session_who) values (current_user, session_user)') as jobid`,
    )) as [{ jobid: string }];
    expect(Number(jobid)).toBeGreaterThan(0);
    const done = await waitFor('two succeeded runs', async () => {
      const list = (await runs('probe-tick')).filter((run) => run.status === 'succeeded');
      return list.length >= 2 ? list : undefined;
    });
    for (const run of done) {
      expect(run).toMatchObject({ return_message: 'INSERT 0 1', username: 'postgres', database: 'postgres' });
      expect(run.job_pid).toBeGreaterThan(0);
      expect(run.end_time!.getTime()).toBeGreaterThanOrEqual(run.start_time!.getTime());
    }
    // About a second apart, as the schedule says.
    expect(done[1]!.start_time!.getTime() - done[0]!.start_time!.getTime()).toBeGreaterThanOrEqual(500);
    const [row] = await sql<{ who: string; session_who: string }>('select who, session_who from public.cron_probe limit 1');
    expect(row).toEqual({ who: 'postgres', session_who: 'postgres' });

    // Scheduling again under the same name changes the job rather than adding one.
    const [again] = await sql<{ jobid: string }>(`select cron.schedule('probe-tick', '2 seconds', 'select 1') as jobid`);
    expect(again!.jobid).toBe(jobid);
    expect(await sql(`select schedule, command from cron.job where jobname = 'probe-tick'`)).toEqual([{ schedule: '2 seconds', command: 'select 1' }]);
  });

  it('records a failing run with the error, as pg_cron does', async () => {
    await sql(`select cron.schedule('probe-fail', '1 seconds', 'select 1/0')`);
    const failed = await waitFor('a failed run', async () => (await runs('probe-fail')).find((run) => run.status === 'failed'));
    expect(failed.return_message).toBe('ERROR:  division by zero\n');
    expect(failed.end_time).not.toBeNull();
    await sql(`select cron.unschedule('probe-fail')`);
  });

  it('says how many rows a query returned', async () => {
    await sql(`select cron.schedule('probe-rows', '1 seconds', 'select * from generate_series(1, 3)')`);
    const run = await waitFor('a run', async () => (await runs('probe-rows')).find((r) => r.status === 'succeeded'));
    expect(run.return_message).toBe('3 rows');
    await sql(`select cron.unschedule('probe-rows')`);
  });

  it('stops running a job once it is unscheduled (by name or id) or made inactive', async () => {
    await sql(`select cron.schedule('probe-stop', '1 seconds', 'select 1')`);
    await waitFor('a run', async () => ((await runs('probe-stop')).length > 0 ? true : undefined));
    const [job] = await sql<{ jobid: string }>(`select jobid from cron.job where jobname = 'probe-stop'`);
    await sql('select cron.alter_job($1, active := false)', [job!.jobid]);
    await sleep(1200);
    const paused = (await runs('probe-stop')).length;
    await sleep(2200);
    expect((await runs('probe-stop')).length).toBe(paused);

    await sql('select cron.alter_job($1, active := true)', [job!.jobid]);
    await waitFor('a run after resuming', async () => ((await runs('probe-stop')).length > paused ? true : undefined));
    expect(await sql<{ unschedule: boolean }>('select cron.unschedule($1::bigint)', [job!.jobid])).toEqual([{ unschedule: true }]);
    const count = async () => Number((await sql<{ n: string }>('select count(*) as n from cron.job_run_details where jobid = $1', [job!.jobid]))[0]!.n);
    await sleep(1200);
    const after = await count();
    await sleep(2200);
    expect(await count()).toBe(after);
    await expect(sql(`select cron.unschedule('probe-stop')`)).rejects.toThrow("could not find valid entry for job 'probe-stop'");
  });

  it('never runs a job twice at once', async () => {
    await sql(`select cron.schedule('probe-slow', '1 seconds', 'select pg_sleep(1.5)')`);
    await waitFor('three finished runs', async () => ((await runs('probe-slow')).filter((r) => r.end_time).length >= 3 ? true : undefined), 15_000);
    const list = (await runs('probe-slow')).filter((r) => r.end_time);
    await sql(`select cron.unschedule('probe-slow')`);
    for (let i = 1; i < list.length; i += 1) {
      expect(list[i]!.start_time!.getTime()).toBeGreaterThanOrEqual(list[i - 1]!.end_time!.getTime());
    }
  });

  it("refuses a bad schedule with pg_cron's words and keeps nothing", async () => {
    for (const schedule of ['61 * * * *', '* * * *', '0 seconds', '60 seconds', 'every minute', '5-1 * * * *', '* * 0 * *', '* * * 13 *']) {
      await expect(sql(`select cron.schedule('probe-bad', $1, 'select 1')`, [schedule]), schedule).rejects.toThrow(`invalid schedule: ${schedule}`);
    }
    const error = await sql(`select cron.schedule('probe-bad', '99 * * * *', 'select 1')`).catch((e: pg.DatabaseError) => e);
    expect(error).toMatchObject({ code: '22023', hint: "Use cron format (e.g. 5 4 * * *), or interval format '[1-59] seconds'" });
    await expect(sql(`select cron.alter_job(jobid, schedule := 'nonsense') from cron.job limit 1`)).rejects.toThrow('invalid schedule: nonsense');
    expect(await sql(`select 1 from cron.job where jobname = 'probe-bad'`)).toHaveLength(0);
  });

  it('reads cron syntax as pg_cron does: ranges, steps, lists, names, @-names and the last day', async () => {
    for (const schedule of ['*/5 * * * *', '0 9-17/2 * * mon-fri', '15,45 0 1 jan,jul *', '@daily', '@hourly', '0 0 $ * *', '30 seconds', '1 second']) {
      const [{ jobid }] = (await sql<{ jobid: string }>(`select cron.schedule('probe-syntax', $1, 'select 1') as jobid`, [schedule])) as [{ jobid: string }];
      expect(jobid, schedule).toBeTruthy();
    }
    await sql(`select cron.alter_job(jobid, active := false) from cron.job where jobname = 'probe-syntax'`);
    const cases: Array<[string, string, boolean]> = [
      ['*/15 * * * *', '2026-12-04 10:45:00Z', true],
      ['*/15 * * * *', '2026-12-04 10:46:00Z', false],
      ['0 9-17 * * mon-fri', '2026-12-04 12:00:00Z', true], // a Friday
      ['0 9-17 * * mon-fri', '2026-12-05 12:00:00Z', false], // a Saturday
      ['0 0 1 * sun', '2026-12-06 00:00:00Z', true], // day of month or day of week, when neither is *
      ['0 0 $ * *', '2026-02-28 00:00:00Z', true],
      ['0 0 $ * *', '2026-02-27 00:00:00Z', false],
      ['0 0 * * 7', '2026-12-06 00:00:00Z', true], // 7 is Sunday too
      ['@hourly', '2026-12-04 10:00:00Z', true],
      ['@hourly', '2026-12-04 10:01:00Z', false],
    ];
    for (const [schedule, at, expected] of cases) {
      const [row] = await sql<{ due: boolean }>('select cron._schedule_matches($1, $2) as due', [schedule, at]);
      expect(row!.due, `${schedule} at ${at}`).toBe(expected);
    }
    await sql(`select cron.unschedule('probe-syntax')`);
  });

  it('keeps each role to its own jobs, and the API roles out', async () => {
    await expect(sql(`insert into cron.job (schedule, command, username) values ('1 seconds', 'select 1', '${SUPERUSER}')`)).rejects.toThrow(
      'must be superuser',
    );
    await sql(`select cron.schedule('probe-own', '@daily', 'select 1')`);
    await expect(sql(`select cron.alter_job(jobid, username := '${SUPERUSER}') from cron.job where jobname = 'probe-own'`)).rejects.toThrow(
      'must be superuser',
    );
    await sql(`select cron.unschedule('probe-own')`);
    for (const role of ['anon', 'authenticated', 'service_role']) {
      await expect(as(role, `select cron.schedule('probe-api', '1 seconds', 'select 1')`), role).rejects.toThrow('permission denied for schema cron');
    }
  });

  it("runs a superuser's job for another role as that role", async () => {
    const url = new URL(running.dbUrl);
    url.username = SUPERUSER;
    const admin = new pg.Client({ connectionString: url.toString() });
    await admin.connect();
    try {
      await admin.query('create role cron_probe_runner login; grant insert on public.cron_probe to cron_probe_runner');
      await admin.query(
        `select cron.schedule_in_database('probe-runner', '1 seconds', 'insert into public.cron_probe (who) values (current_user)', 'postgres', 'cron_probe_runner')`,
      );
      await waitFor('a row by the runner', async () =>
        (await sql(`select 1 from public.cron_probe where who = 'cron_probe_runner'`)).length > 0 ? true : undefined,
      );
      // The row is in as soon as the job's statement ran; its run is marked succeeded a moment later.
      const run = await waitFor('the run recorded as succeeded', async () =>
        (
          await admin.query<{ username: string; status: string }>(
            `select d.username, d.status from cron.job_run_details d join cron.job j using (jobid) where j.jobname = 'probe-runner' and d.status = 'succeeded' limit 1`,
          )
        ).rows[0],
      );
      expect(run).toEqual({ username: 'cron_probe_runner', status: 'succeeded' });
      await admin.query(`select cron.unschedule(jobid) from cron.job where jobname = 'probe-runner'`);
    } finally {
      await admin.end();
    }
  });

  it("runs the scheduling guide's job: pg_net to the project's URL with the key, both from Vault", async () => {
    await sql(`delete from net._http_response`);
    await sql(`select cron.schedule('probe-guide', '1 seconds', $$
      select net.http_get(
        url := (select decrypted_secret from vault.decrypted_secrets where name = 'project_url') || '/rest/v1/',
        headers := jsonb_build_object(
          'apikey', (select decrypted_secret from vault.decrypted_secrets where name = 'service_role_key'),
          'Authorization', 'Bearer ' || (select decrypted_secret from vault.decrypted_secrets where name = 'service_role_key')))
    $$)`);
    const status = await waitFor('an answer from the stack', async () => (await sql<{ status_code: number }>('select status_code from net._http_response limit 1'))[0]?.status_code);
    expect(status).toBe(200);
    await sql(`select cron.unschedule('probe-guide')`);
  });

  it('runs a cron-syntax job once, at the start of its minute', { timeout: 75_000 }, async () => {
    const run = await waitFor('the minute job', async () => (await runs('probe-minute')).find((r) => r.status === 'succeeded'), 70_000);
    expect(run.start_time!.getUTCSeconds()).toBeLessThanOrEqual(3);
    await sleep(2000);
    const minute = Math.floor(run.start_time!.getTime() / 60_000);
    expect((await runs('probe-minute')).filter((r) => Math.floor(r.start_time!.getTime() / 60_000) === minute)).toHaveLength(1);
    await sql(`select cron.unschedule('probe-minute')`);
  });

  it('is dropped and created again like the real extension', async () => {
    await sql('drop extension pg_cron');
    expect(await sql(`select 1 from pg_namespace where nspname = 'cron'`)).toHaveLength(0);
    await sql('create extension if not exists pg_cron with schema pg_catalog');
    await sql(`select cron.schedule('probe-back', '1 seconds', 'select 1')`);
    await waitFor('a run after the round trip', async () => ((await runs('probe-back')).some((r) => r.status === 'succeeded') ? true : undefined));
    await sql(`select cron.unschedule('probe-back')`);
  });
});
