/**
 * One transaction per request on the `authenticator` pool, as PostgREST runs it: BEGIN with the access
 * mode, one `select set_config(...)` list, the main statement, then COMMIT, or ROLLBACK when the
 * statement failed or the response must not keep its effects (singular violation, `tx=rollback`).
 * Reads send all four in one round trip (a read-only transaction has nothing to undo); writes send
 * BEGIN, settings and statement together, then COMMIT or ROLLBACK once the result is judged.
 */
import type pg from 'pg';
import { ApiError, fromPgError, isPgError } from './errors.ts';
import { PipelineError, runPipeline, type PipelinedStatement } from './pipeline.ts';

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
   * planner's row estimate is handed to `decide` and `respond` as `planned`.
   */
  estimate?: { text: string; values: unknown[] };
  /** Returns an error to answer with (after ROLLBACK), or whether to commit. */
  decide(row: StatementResult): ApiError | 'commit' | 'rollback';
}

function settingsStatement(settings: Array<[string, string]>): PipelinedStatement {
  const values: string[] = [];
  const calls = settings.map(([name, value]) => {
    values.push(name, value);
    return `set_config($${values.length - 1}, $${values.length}, true)`;
  });
  return { text: `SELECT ${calls.join(', ')}`, values };
}

/** Errors raised while switching role (unknown or ungranted role) are authentication failures. */
function toApiError(error: unknown, isAnon: boolean): unknown {
  if (!(error instanceof PipelineError)) return isPgError(error) ? fromPgError(error, isAnon) : error;
  const cause = error.pgError;
  if (!isPgError(cause)) return cause;
  if (error.statementIndex <= 1 && (cause.code === '22023' || cause.code === '42501')) {
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

export async function runTransaction(pool: pg.Pool, plan: TransactionPlan): Promise<StatementResult> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const rollback = () => client.query('ROLLBACK').then(() => undefined, (e: Error) => void (broken = e));
  try {
    const statements: PipelinedStatement[] = [
      { text: `BEGIN ISOLATION LEVEL READ COMMITTED ${plan.readOnly ? 'READ ONLY' : 'READ WRITE'}`, values: [] },
      settingsStatement(plan.settings),
      { text: plan.text, values: plan.values, describe: true },
    ];
    if (plan.estimate) {
      statements.push({ text: `EXPLAIN (FORMAT JSON) ${plan.estimate.text}`, values: plan.estimate.values, describe: true });
    }
    if (plan.readOnly) statements.push({ text: 'COMMIT', values: [] });
    let row: StatementResult;
    try {
      const rows = await runPipeline(client, statements);
      const main = rows[2] ?? [];
      row = plan.explain ? explainResult(main) : main[0] as unknown as StatementResult;
      if (plan.estimate) row.planned = planRows(rows[3]?.[0]);
    } catch (error) {
      if (error instanceof PipelineError) await rollback();
      else broken = error as Error;
      throw toApiError(error, plan.isAnon);
    }
    const decision = plan.decide(row);
    if (plan.readOnly) {
      if (decision instanceof ApiError) throw decision;
      return row;
    }
    if (decision instanceof ApiError) {
      await rollback();
      throw decision;
    }
    try {
      // As PostgREST: deferred constraints are checked before a rollback, so a request that would
      // fail on commit fails the same way when it is only tried.
      if (decision === 'rollback') await client.query('SET CONSTRAINTS ALL IMMEDIATE');
      await client.query(decision === 'rollback' ? 'ROLLBACK' : 'COMMIT');
    } catch (error) {
      if (!isPgError(error)) broken = error as Error;
      else await rollback();
      throw toApiError(error, plan.isAnon);
    }
    return row;
  } finally {
    client.release(broken);
  }
}
