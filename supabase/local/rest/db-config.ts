/**
 * PostgREST's in-database configuration: `pgrst.*` settings on the role REST logs in as
 * (`alter role authenticator set pgrst.db_aggregates_enabled = 'true'`), read at start and again on
 * `NOTIFY pgrst, 'reload config'`, a database-specific setting winning over a role-wide one (as
 * PostgREST's queryDbSettings). They override the stack's own settings (`[api] max_rows`).
 */
import type pg from 'pg';

export type TxEnd = 'commit' | 'commit-allow-override' | 'rollback' | 'rollback-allow-override';

export interface DbConfig {
  aggregatesEnabled: boolean;
  planEnabled: boolean;
  txEnd: TxEnd;
  /** `pgrst.db_max_rows`, when set; else the stack's `[api] max_rows`. */
  maxRows: number | undefined;
}

export const defaultDbConfig: DbConfig = { aggregatesEnabled: false, planEnabled: false, txEnd: 'commit', maxRows: undefined };

const settingsSql = `
with role_setting as (
  select setdatabase as database, unnest(setconfig) as setting
  from pg_catalog.pg_db_role_setting
  where setrole = quote_ident(current_user)::regrole::oid
    and setdatabase in (0, (select oid from pg_catalog.pg_database where datname = current_catalog))
), kv as (
  select database, substr(setting, 1, strpos(setting, '=') - 1) as k, substr(setting, strpos(setting, '=') + 1) as v
  from role_setting
)
select distinct on (k) k as key, v as value
from kv
where k like 'pgrst.%'
order by k, database desc nulls last`;

/** PostgREST reads booleans loosely: `true`, `TRUE`, `"true"`, or a number above zero. */
function parseBool(value: string): boolean | undefined {
  const letters = value.replace(/[^A-Za-z]/g, '').toLowerCase();
  if (letters === 'true') return true;
  if (letters === 'false') return false;
  return /^-?\d+$/.test(value.trim()) ? Number(value) > 0 : undefined;
}

/** Settings that do not parse keep their default, and are reported, as PostgREST logs a bad config. */
export function parseDbConfig(rows: Array<{ key: string; value: string }>, warn: (message: string) => void): DbConfig {
  const config: DbConfig = { ...defaultDbConfig };
  for (const { key, value } of rows) {
    const name = key.slice('pgrst.'.length);
    const bool = parseBool(value);
    switch (name) {
      case 'db_aggregates_enabled':
      case 'db_plan_enabled':
        if (bool === undefined) warn(`pgrst.${name} must be true or false, not '${value}'`);
        else if (name === 'db_aggregates_enabled') config.aggregatesEnabled = bool;
        else config.planEnabled = bool;
        break;
      case 'db_tx_end':
        if (['commit', 'commit-allow-override', 'rollback', 'rollback-allow-override'].includes(value)) config.txEnd = value as TxEnd;
        else warn(`pgrst.db_tx_end must be commit, commit-allow-override, rollback or rollback-allow-override, not '${value}'`);
        break;
      case 'db_max_rows':
        if (/^\d+$/.test(value.trim())) config.maxRows = Number(value);
        else warn(`pgrst.db_max_rows must be a whole number, not '${value}'`);
        break;
      default:
        // Schemas, JWT, OpenAPI and the rest come from config.toml, as the CLI's stack takes them.
        warn(`pgrst.${name} is not read from the database by the local stack; set it in config.toml`);
        break;
    }
  }
  return config;
}

export async function loadDbConfig(pool: pg.Pool, warn: (message: string) => void): Promise<DbConfig> {
  const { rows } = await pool.query<{ key: string; value: string }>(settingsSql);
  return parseDbConfig(rows, warn);
}
