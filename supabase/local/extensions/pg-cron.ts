/**
 * pg_cron's scheduler, as a part of the stack: it runs the active jobs of `cron.job` when they are due,
 * each in its database as its `username`, and records every run in `cron.job_run_details` as pg_cron
 * does (`starting` → `running` → `succeeded`/`failed`, the command's tag or "N rows", or the error).
 *
 * Schedules are read by the extension's own SQL (`cron._schedule_matches`, `cron._schedule_seconds`),
 * the parser that also refuses a bad schedule, so what `cron.schedule` accepts and what runs agree. Cron
 * schedules are read in UTC (pg_cron's default `cron.timezone`) and fire once in their minute; a
 * `'N seconds'` job runs when it is first seen and then N seconds after each start. A job never runs
 * twice at once: a run that is still going when the job is due again makes it skip that turn.
 */
import pg from 'pg';
import { isConnectionError } from '../core/db-errors.ts';
import type { Logger } from '../core/logger.ts';

/** pg_cron's `cron.max_running_jobs` default. */
const MAX_RUNNING_JOBS = 32;

export interface PgCronOptions {
  /** How often due jobs are looked for (pg_cron: every second). */
  tickMs?: number;
}

export interface PgCronScheduler {
  close(): Promise<void>;
}

interface JobRow {
  jobid: string;
  schedule: string;
  command: string;
  database: string;
  username: string;
  seconds: number | null;
  reboot: boolean;
  matches: boolean;
}

const JOBS_SQL = `
select jobid, schedule, command, database, username,
       cron._schedule_seconds(schedule) as seconds,
       lower(btrim(schedule)) = '@reboot' as reboot,
       cron._schedule_matches(schedule, $1) as matches
from cron.job
where active
order by jobid`;

function isMissingExtension(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === '42P01' || code === '3F000' || code === '42883';
}

/** PQresultErrorMessage's text, which pg_cron stores as the run's return_message. */
function errorMessage(error: unknown): string {
  const e = error as { severity?: string; message?: string; detail?: string; hint?: string };
  if (!e.severity) return e.message ?? String(error);
  return (
    `${e.severity}:  ${e.message}\n` + (e.detail ? `DETAIL:  ${e.detail}\n` : '') + (e.hint ? `HINT:  ${e.hint}\n` : '')
  );
}

function withDatabase(url: string, database: string, user?: string, password?: string): string {
  const target = new URL(url);
  target.pathname = `/${encodeURIComponent(database)}`;
  if (user !== undefined) {
    target.username = encodeURIComponent(user);
    target.password = encodeURIComponent(password ?? '');
  }
  return target.toString();
}

/**
 * `superuserUrl` reaches the database pg_cron lives in (`postgres`, pg_cron's `cron.database_name`) as
 * the bootstrap superuser; `password` is the one the stack's login roles share. A job runs in a session
 * of its own role when that role can log in with it (as pg_cron connects as the job's user); for other
 * roles the session is opened by the superuser and handed to the role (SET SESSION AUTHORIZATION).
 */
export function startPgCronScheduler(superuserUrl: string, password: string, log: Logger, options: PgCronOptions = {}): PgCronScheduler {
  const tickMs = options.tickMs ?? 1000;
  const pool = new pg.Pool({ connectionString: superuserUrl, max: 3, application_name: 'pg_cron scheduler' });
  pool.on('connect', (client) => client.on('error', () => undefined));
  pool.on('error', () => undefined);

  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> | undefined;
  let cleanedUp = false;
  let booted = false;
  /** The minute the last tick looked at: a cron job fires once, when its minute is entered. */
  let lastMinute = Math.floor(Date.now() / 60_000);
  const running = new Map<string, Promise<void>>();
  /** Backend of each run in progress, to cancel it when the stack stops. */
  const pids = new Map<string, number>();
  /** For interval jobs: schedule they had and when they last started. */
  const intervals = new Map<string, { schedule: string; lastStart: number }>();

  const report = (message: string, error: unknown) => {
    if (closed || isConnectionError(error) || isMissingExtension(error)) return;
    log.error('pg_cron', message, error);
  };

  /** Roles that cannot log in with the stack's password: each failed attempt is a FATAL in Postgres' log. */
  const noDirectLogin = new Set<string>();

  const openSession = async (job: JobRow): Promise<pg.Client> => {
    if (!noDirectLogin.has(job.username)) {
      const { rows } = await pool.query<{ direct: boolean }>(
        'select rolcanlogin and rolpassword is not null as direct from pg_authid where rolname = $1',
        [job.username],
      );
      if (!rows[0]?.direct) noDirectLogin.add(job.username);
    }
    if (!noDirectLogin.has(job.username)) {
      const direct = new pg.Client({ connectionString: withDatabase(superuserUrl, job.database, job.username, password), application_name: 'pg_cron' });
      direct.on('error', () => undefined);
      try {
        await direct.connect();
        return direct;
      } catch (error) {
        await direct.end().catch(() => undefined);
        const code = (error as { code?: string }).code;
        // Only a refused login (another password) falls back; anything else is the run's failure.
        if (code !== '28P01' && code !== '28000') throw error;
        noDirectLogin.add(job.username);
      }
    }
    const handed = new pg.Client({ connectionString: withDatabase(superuserUrl, job.database), application_name: 'pg_cron' });
    handed.on('error', () => undefined);
    try {
      await handed.connect();
      await handed.query(`set session authorization ${pg.escapeIdentifier(job.username)}`);
      return handed;
    } catch (error) {
      await handed.end().catch(() => undefined);
      throw error;
    }
  };

  const run = async (job: JobRow) => {
    let runid: string;
    try {
      const { rows } = await pool.query<{ runid: string }>(
        `insert into cron.job_run_details (jobid, database, username, command, status, start_time)
         values ($1, $2, $3, $4, 'starting', now()) returning runid`,
        [job.jobid, job.database, job.username, job.command],
      );
      runid = rows[0]!.runid;
    } catch (error) {
      report(`could not record a run of job ${job.jobid}`, error);
      return;
    }
    const finish = async (status: 'succeeded' | 'failed', message: string) => {
      if (status === 'failed') log.info('pg_cron', `cron job ${job.jobid} failed: ${message.trim()}`);
      try {
        await pool.query(`update cron.job_run_details set status = $2, return_message = $3, end_time = now() where runid = $1`, [
          runid,
          status,
          message,
        ]);
      } catch (error) {
        report(`could not record the end of run ${runid} of job ${job.jobid}`, error);
      }
    };

    let session: pg.Client;
    try {
      session = await openSession(job);
    } catch (error) {
      await finish('failed', isConnectionError(error) ? 'connection failed' : errorMessage(error));
      return;
    }
    try {
      const pid = (await session.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
      pids.set(runid, pid);
      await pool.query(`update cron.job_run_details set status = 'running', job_pid = $2, start_time = now() where runid = $1`, [runid, pid]);
      // The command tag as the server sent it (e.g. `INSERT 0 1`, `CREATE TABLE`): pg keeps only its first word.
      let lastTag = '';
      const onComplete = (message: { text: string }) => (lastTag = message.text);
      const connection = (session as unknown as { connection: { on(event: string, listener: (message: { text: string }) => void): void } }).connection;
      connection.on('commandComplete', onComplete);
      // The simple protocol, as pg_cron sends a command: several statements run as one implicit transaction.
      const result = (await session.query(job.command)) as pg.QueryResult | pg.QueryResult[];
      const last = Array.isArray(result) ? result[result.length - 1] : result;
      const message =
        last && last.fields.length > 0 ? `${last.rowCount ?? 0} ${(last.rowCount ?? 0) === 1 ? 'row' : 'rows'}` : lastTag;
      await finish('succeeded', message);
    } catch (error) {
      await finish('failed', errorMessage(error));
    } finally {
      pids.delete(runid);
      await session.end().catch(() => undefined);
    }
  };

  const start = (job: JobRow) => {
    if (running.has(job.jobid) || running.size >= MAX_RUNNING_JOBS) return;
    const task = run(job).finally(() => running.delete(job.jobid));
    running.set(job.jobid, task);
  };

  const tick = async () => {
    const now = Date.now();
    const minute = Math.floor(now / 60_000);
    const newMinute = minute !== lastMinute;
    let jobs: JobRow[];
    try {
      if (!cleanedUp) {
        // As pg_cron at start: runs the last scheduler left unfinished did not finish.
        await pool.query(`update cron.job_run_details set status = 'failed', return_message = 'server restarted' where status in ('starting', 'running')`);
        cleanedUp = true;
      }
      jobs = (await pool.query<JobRow>(JOBS_SQL, [new Date(minute * 60_000)])).rows;
    } catch (error) {
      report('could not read cron.job', error);
      return;
    }
    lastMinute = minute;
    const seen = new Set<string>();
    for (const job of jobs) {
      seen.add(job.jobid);
      if (job.seconds !== null) {
        let state = intervals.get(job.jobid);
        if (!state || state.schedule !== job.schedule) {
          state = { schedule: job.schedule, lastStart: 0 };
          intervals.set(job.jobid, state);
        }
        if (!running.has(job.jobid) && now - state.lastStart >= job.seconds * 1000 - tickMs / 2) {
          state.lastStart = now;
          start(job);
        }
      } else if (job.reboot) {
        if (!booted) start(job);
      } else if (newMinute && job.matches) {
        start(job);
      }
    }
    booted = true;
    for (const id of intervals.keys()) if (!seen.has(id)) intervals.delete(id);
  };

  const schedule = () => {
    if (closed) return;
    // On the second, as pg_cron wakes, so a `'1 seconds'` job keeps its pace.
    const delay = tickMs - (Date.now() % tickMs) + 5;
    timer = setTimeout(() => {
      ticking = tick().finally(() => {
        ticking = undefined;
        schedule();
      });
    }, delay);
  };
  schedule();

  return {
    async close() {
      closed = true;
      clearTimeout(timer);
      await ticking;
      // pg_cron's runs end with the server; here the stack stops first, so it cancels what still runs.
      if (pids.size > 0) await pool.query('select pg_cancel_backend(pid) from unnest($1::int[]) as pid', [[...pids.values()]]).catch(() => undefined);
      await Promise.all(running.values());
      await pool.end();
    },
  };
}
