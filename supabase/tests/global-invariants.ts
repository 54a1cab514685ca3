/**
 * After the whole stack run, before the shared stack stops (vitest tears global setups down in reverse
 * order): the ledger's invariants (docs/design.md §4) once more, over everything every test file did.
 */
import pg from 'pg';
import type { TestProject } from 'vitest/node';

async function invariantViolations(dbUrl: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  try {
    const { rows } = await client.query<Record<string, unknown>>('select * from app.check_invariants()');
    return rows.map((row) => JSON.stringify(row));
  } finally {
    await client.end();
  }
}

export default function setup(project: TestProject) {
  return async () => {
    const violations = await invariantViolations(project.getProvidedContext().stack.dbUrl);
    if (violations.length === 0) return;
    // Vitest reports an error thrown here but still exits 0: the failed exit status is set by hand.
    process.exitCode = 1;
    throw new Error(`Ledger invariants violated at the end of the run:\n${violations.join('\n')}`);
  };
}
