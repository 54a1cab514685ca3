/**
 * @pro-portal/supabase-local: a Docker-free stand-in for `supabase start`. What hosts use: start a
 * stack for a project's `supabase/` folder, the command-line helpers an app's own start script builds
 * on, and the schema tooling (scratch database, migrations, the declarative schema and its diff, generated types). Everything else in the
 * package is internal and may change.
 */
export { startStack, type RunningStack, type StackOptions } from './stack.ts';
export { startThrowawayStack, type ThrowawayStackOptions } from './tooling/throwaway-stack.ts';
export { parseStackArgs, type StackArgs } from './cli/args.ts';
export { runStack, statusLines, stopOnSignals } from './cli/run.ts';

export {
  applyMigrations,
  applySeed,
  listMigrations,
  MigrationError,
  MigrationHistoryError,
  type MigrationFile,
} from './migrations/index.ts';
export {
  startScratchDb,
  startScratchServer,
  withDatabase,
  dbUrlArgument,
  type ScratchDb,
  type ScratchServer,
} from './tooling/scratch-db.ts';
export { applySchema, schemaFiles, unlistedSchemaFiles, withMigrationsAndSchema } from './tooling/schema.ts';
export { diffSchemas, SUPABASE_SCHEMAS, type SchemaDiff } from './tooling/schema-diff.ts';
export { generateDatabaseTypes } from './tooling/database-types.ts';
export { PASSWORD as DB_PASSWORD } from './postgres/index.ts';
export {
  PROJECT_URL_SECRET,
  SERVICE_ROLE_KEY_SECRET,
  type ExtensionOptions,
  type PgCronOptions,
  type PgNetOptions,
} from './extensions/index.ts';

export {
  DEFAULT_JWT_SECRET,
  DEMO_ANON_KEY,
  DEMO_PUBLISHABLE_KEY,
  DEMO_SECRET_KEY,
  DEMO_SERVICE_ROLE_KEY,
  type StackKeys,
} from './core/keys.ts';
export { signJwt, verifyJwt, type JwtClaims, type JwtResult } from './core/jwt.ts';
export {
  CLI_RATE_LIMITS,
  findProjectDir,
  LOCAL_MAIL_EMAILS_PER_HOUR,
  readProjectConfig,
  type ProjectConfig,
  type TomlTable,
} from './core/project-config.ts';
export { freePort } from './core/ports.ts';
