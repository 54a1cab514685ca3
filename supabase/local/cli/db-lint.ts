/**
 * `db-lint [--db-url URL] [--workdir DIR]`: Supabase's own database linter (splinter, as bundled in the pinned
 * Supabase CLI) over a scratch database with every migration applied, or over the database at URL:
 *
 *   supabase db advisors --db-url <url> --type security --level warn --fail-on warn
 *
 * Passes when the CLI passes, or when every finding it reports is listed, with its reason, in
 * `supabase/lint-allowlist.json` (an intentional design choice). An allowlist entry that no longer
 * matches a finding fails too, so the list cannot rot. Performance advice is printed, not enforced.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { findProjectDir } from '../core/project-config.ts';
import { withDatabase } from '../tooling/scratch-db.ts';

interface Finding {
  name: string;
  level: 'ERROR' | 'WARN' | 'INFO';
  categories: string[];
  detail: string;
  metadata?: { schema?: string; name?: string; type?: string };
  cache_key?: string;
  cacheKey?: string;
}

interface AllowEntry {
  /** The lint's name, e.g. `rls_policy_always_true`. */
  lint: string;
  /** `schema.object` the finding is about (its metadata), e.g. `public.reviews`. */
  object: string;
  reason: string;
}

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: { 'db-url': { type: 'string' }, workdir: { type: 'string' } },
  strict: true,
});
const PROJECT_DIR = values.workdir ? resolve(values.workdir) : findProjectDir();
const SUPABASE_DIR = join(PROJECT_DIR, 'supabase');
const ALLOWLIST_FILE = join(SUPABASE_DIR, 'lint-allowlist.json');

function supabaseCli(): string {
  return createRequire(import.meta.url).resolve('supabase/dist/supabase.js');
}

/** Runs `supabase db advisors` and returns its exit status and the findings it printed (JSON). */
function advisors(dbUrl: string, args: string[]): { status: number; findings: Finding[] } {
  // The local server has no TLS; the CLI otherwise insists on it.
  const url = new URL(dbUrl);
  if (!url.searchParams.has('sslmode')) url.searchParams.set('sslmode', 'disable');
  const cli = spawnSync(
    process.execPath,
    [supabaseCli(), 'db', 'advisors', '--db-url', url.toString(), ...args, '--output-format', 'json'],
    { encoding: 'utf8', cwd: PROJECT_DIR },
  );
  if (cli.error) throw cli.error;
  let parsed: { results?: Finding[] };
  try {
    parsed = JSON.parse(cli.stdout);
  } catch {
    throw new Error(`supabase db advisors printed no JSON (exit ${cli.status}):\n${cli.stdout}\n${cli.stderr}`);
  }
  if (!Array.isArray(parsed.results)) {
    throw new Error(`supabase db advisors failed (exit ${cli.status}):\n${cli.stdout}\n${cli.stderr}`);
  }
  return { status: cli.status ?? 1, findings: parsed.results };
}

function objectOf(finding: Finding): string {
  return `${finding.metadata?.schema ?? ''}.${finding.metadata?.name ?? ''}`;
}

function describe(finding: Finding): string {
  return `  ${finding.level} ${finding.name} (${objectOf(finding)}): ${finding.detail}`;
}

function readAllowlist(): AllowEntry[] {
  const entries = JSON.parse(readFileSync(ALLOWLIST_FILE, 'utf8')) as AllowEntry[];
  for (const entry of entries) {
    if (!entry.lint || !entry.object || !entry.reason?.trim()) {
      throw new Error(`${ALLOWLIST_FILE}: every entry needs lint, object and a reason: ${JSON.stringify(entry)}`);
    }
  }
  return entries;
}

const allowlist = readAllowlist();
const exitCode = await withDatabase(process.argv.slice(2), async (dbUrl) => {
  const security = advisors(dbUrl, ['--type', 'security', '--level', 'warn', '--fail-on', 'warn']);
  const performance = advisors(dbUrl, ['--type', 'performance', '--level', 'warn', '--fail-on', 'none']);

  const allowed = (finding: Finding) =>
    finding.level !== 'ERROR' && allowlist.some((entry) => entry.lint === finding.name && entry.object === objectOf(finding));
  const failing = security.findings.filter((finding) => !allowed(finding));
  const stale = allowlist.filter(
    (entry) => !security.findings.some((finding) => finding.name === entry.lint && objectOf(finding) === entry.object),
  );

  const out: string[] = [];
  for (const finding of security.findings.filter(allowed)) {
    const entry = allowlist.find((item) => item.lint === finding.name && item.object === objectOf(finding));
    out.push(`allowed  ${finding.name} (${objectOf(finding)}): ${entry?.reason}`);
  }
  if (performance.findings.length) {
    out.push(`Performance advice (${performance.findings.length}, not enforced):`, ...performance.findings.map(describe));
  }
  if (failing.length) out.push(`Security findings (${failing.length}):`, ...failing.map(describe));
  if (stale.length) {
    out.push(
      `Allowlist entries that match no finding (remove them from supabase/lint-allowlist.json):`,
      ...stale.map((entry) => `  ${entry.lint} (${entry.object})`),
    );
  }
  // The CLI itself must agree: it fails on warn exactly when it reported something.
  if (security.status !== 0 && security.findings.length === 0) out.push('supabase db advisors failed without findings.');
  const ok = failing.length === 0 && stale.length === 0 && (security.status === 0 || security.findings.length > 0);
  out.push(
    ok
      ? `db:lint: 0 errors, 0 security warnings${security.findings.length ? ` (${security.findings.length} allowed with a reason)` : ''}.`
      : 'db:lint failed.',
  );
  (ok ? process.stdout : process.stderr).write(`${out.join('\n')}\n`);
  return ok ? 0 : 1;
}, SUPABASE_DIR);
process.exit(exitCode);
