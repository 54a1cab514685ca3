/**
 * One transaction per request on the `authenticator` pool, as PostgREST runs it: BEGIN with the access
 * mode, one `select set_config(...)` list, the main statement, then COMMIT, or ROLLBACK when the
 * statement failed or the response must not keep its effects (singular violation, `tx=rollback`).
 * All of it goes in one round trip unless a write's result must be judged first (a singular response,
 * `max-affected`): then BEGIN, settings and statement go together, and COMMIT or ROLLBACK once judged.
 * A read-only transaction has nothing to undo, so reads always end in the same round trip. Every
 * statement but an EXPLAIN is kept prepared on its connection (pipeline.ts).
 */
import type pg from 'pg';
import { ApiError, fromPgError, isPgError } from './errors.ts';
import type { ResultCheck } from './respond.ts';
import { PipelineError, runPipeline, type PipelinedStatement, type PreparedStatements } from './pipeline.ts';

export interface StatementResult {
  total: string | null;
  page_total: string | null;
  body: string | null;
  inserted: string | null;
  response_headers: string | null;
  response_status: string | null;
  /** The planner's estimate of the rows counted, when asked for. */
  planned?: number | null;
}

export interface TransactionPlan {
  readOnly: boolean;
  settings: Array<[string, string]>;
  text: string;
  values: unknown[];
  isAnon: boolean;
  /** The statement is an EXPLAIN: its lines, joined, are the body. */
  explain?: boolean;
  /**
   * `count=planned|estimated`: EXPLAIN of the rows counted, run after the main statement; the
   * planner's row estimate is handed to `check` and `respond` as `planned`.
   */
  estimate?: { text: string; values: unknown[] };
  /** How the transaction ends when the statement succeeds and `check` finds nothing (`Prefer: tx`). */
  end: 'commit' | 'rollback';
  /** Judges the result before the transaction ends; without one, the end goes with the statement. */
  check: ResultCheck | undefined;
}

/** How many statements of the request's pipeline come before the main one: BEGIN and the settings. */
const SETUP_STATEMENTS = 2;

/**
 * As PostgREST: deferred constraints are checked before a rollback, so a request that would fail on
 * commit fails the same way when it is only tried.
 */
function endStatements(end: 'commit' | 'rollback'): PipelinedStatement[] {
  if (end === 'commit') return [{ text: 'COMMIT', values: [], prepare: true }];
  return [{ text: 'SET CONSTRAINTS ALL IMMEDIATE', values: [], prepare: true }, { text: 'ROLLBACK', values: [], prepare: true }];
}

function settingsStatement(settings: Array<[string, string]>): PipelinedStatement {
  const values: string[] = [];
  const calls = settings.map(([name, value]) => {
    values.push(name, value);
    return `set_config($${values.length - 1}, $${values.length}, true)`;
  });
  return { text: `SELECT ${calls.join(', ')}`, values, prepare: true };
}

/**
 * Errors raised while switching role (unknown or ungranted role) are authentication failures: those
 * of the first `setup` statements of a pipeline.
 */
function toApiError(error: unknown, isAnon: boolean, setup: number): unknown {
  if (!(error instanceof PipelineError)) return isPgError(error) ? fromPgError(error, isAnon) : error;
  const cause = error.pgError;
  if (!isPgError(cause)) return cause;
  if (error.statementIndex < setup && (cause.code === '22023' || cause.code === '42501')) {
    return new ApiError(401, cause.code, cause.message, cause.detail ?? null, cause.hint ?? null);
  }
  return fromPgError(cause, isAnon);
}

/** "Plan Rows" of EXPLAIN (FORMAT JSON)'s top node, as PostgREST reads it. */
function planRows(row: Record<string, string | null> | undefined): number | null {
  try {
    const plan = JSON.parse(row?.['QUERY PLAN'] ?? 'null') as Array<{ Plan?: { 'Plan Rows'?: number } }> | null;
    const rows = plan?.[0]?.Plan?.['Plan Rows'];
    return typeof rows === 'number' ? rows : null;
  } catch {
    return null;
  }
}

/** PostgREST answers a plan as EXPLAIN's lines, each ended by a newline. */
function explainResult(rows: Array<Record<string, string | null>>): StatementResult {
  const body = rows.map((row) => `${row['QUERY PLAN'] ?? ''}\n`).join('');
  return { total: null, page_total: '0', body, inserted: null, response_headers: null, response_status: null };
}

export async function runTransaction(pool: pg.Pool, plan: TransactionPlan, prepared?: PreparedStatements): Promise<StatementResult> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const rollback = () => client.query('ROLLBACK').then(() => undefined, (e: Error) => void (broken = e));
  try {
    const statements: PipelinedStatement[] = [
      { text: `BEGIN ISOLATION LEVEL READ COMMITTED ${plan.readOnly ? 'READ ONLY' : 'READ WRITE'}`, values: [], prepare: true },
      settingsStatement(plan.settings),
      // A plan's lines are not a statement's rows: EXPLAIN is parsed anew, as PostgREST does.
      { text: plan.text, values: plan.values, describe: true, prepare: !plan.explain },
    ];
    if (plan.estimate) {
      statements.push({ text: `EXPLAIN (FORMAT JSON) ${plan.estimate.text}`, values: plan.estimate.values, describe: true });
    }
    const endsTogether = plan.readOnly || plan.check === undefined;
    if (endsTogether) statements.push(...endStatements(plan.end));
    let row: StatementResult;
    try {
      const rows = await runPipeline(client, statements, prepared);
      const main = rows[SETUP_STATEMENTS] ?? [];
      row = plan.explain ? explainResult(main) : main[0] as unknown as StatementResult;
      if (plan.estimate) row.planned = planRows(rows[SETUP_STATEMENTS + 1]?.[0]);
    } catch (error) {
      if (error instanceof PipelineError) await rollback();
      else broken = error as Error;
      throw toApiError(error, plan.isAnon, SETUP_STATEMENTS);
    }
    const refusal = plan.check?.(row);
    if (endsTogether) {
      if (refusal) throw refusal;
      return row;
    }
    if (refusal) {
      await rollback();
      throw refusal;
    }
    try {
      await runPipeline(client, endStatements(plan.end), prepared);
    } catch (error) {
      if (error instanceof PipelineError) await rollback();
      else broken = error as Error;
      throw toApiError(error, plan.isAnon, 0);
    }
    return row;
  } finally {
    client.release(broken);
  }
}
