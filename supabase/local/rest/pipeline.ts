/**
 * Several statements in one round trip: Parse/Bind/Execute for each, then one Sync, sent through
 * node-postgres's documented extension point for custom queries (a "Submittable", as pg-cursor uses)
 * as one write. Every value stays a bound parameter. Only statements marked `describe` return their
 * rows; the index of the statement that failed tells setup errors (role) from the main statement's.
 *
 * Statements marked `prepare` are kept prepared on their connection, by text, as PostgREST keeps its
 * statements prepared: a request of a shape seen before skips Postgres' parse and analysis (see
 * PreparedStatements).
 */
import type pg from 'pg';
import { serialize } from 'pg-protocol';

export interface PipelinedStatement {
  text: string;
  values: unknown[];
  /** Return this statement's rows. */
  describe?: boolean;
  /** Keep it prepared on the connection, to be reused by every later statement of the same text. */
  prepare?: boolean;
}

/** Named statements kept per connection; the least recently used are closed beyond this. */
export const PREPARED_PER_CONNECTION = 200;

interface ConnectionStatements {
  generation: number;
  limit: number;
  /** Statement text → its name on this connection, least recently used first. */
  names: Map<string, string>;
  /** Names to close at the start of the next pipeline (evicted, or of unknown fate after an error). */
  closing: string[];
  next: number;
}

/**
 * Which statements each connection of one pool holds prepared. `invalidate()` (after a schema reload,
 * as PostgREST releases its pool then) closes them all at each connection's next use, so a statement
 * prepared against the old schema is never bound again; Postgres itself re-plans a prepared statement
 * whose tables changed, but refuses one whose result columns changed ("cached plan must not change
 * result type").
 */
export class PreparedStatements {
  private generation = 0;
  private readonly byClient = new WeakMap<object, ConnectionStatements>();

  constructor(readonly perConnection = PREPARED_PER_CONNECTION) {}

  invalidate(): void {
    this.generation += 1;
  }

  /** This connection's statements, with everything prepared before the last invalidation to close. */
  forClient(client: object): ConnectionStatements {
    let entry = this.byClient.get(client);
    if (!entry) {
      entry = { generation: this.generation, limit: this.perConnection, names: new Map(), closing: [], next: 0 };
      this.byClient.set(client, entry);
    } else if (entry.generation !== this.generation) {
      entry.closing.push(...entry.names.values());
      entry.names.clear();
      entry.generation = this.generation;
    }
    return entry;
  }

  /** Forget a connection's statements, closing them at its next use (after "cached plan must not change"). */
  reset(client: object): void {
    const entry = this.byClient.get(client);
    if (!entry) return;
    entry.closing.push(...entry.names.values());
    entry.names.clear();
  }
}

export class PipelineError extends Error {
  constructor(readonly pgError: unknown, readonly statementIndex: number) {
    super('pipelined statement failed');
  }
}

/** `{"a","b"}` with every element quoted; how pg serializes a JS array parameter. */
function arrayLiteral(values: unknown[]): string {
  return `{${values
    .map((v) => (v === null ? 'NULL' : `"${scalar(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`))
    .join(',')}}`;
}

/** Request values are strings; anything else is serialized as JSON rather than `[object Object]`. */
export function scalar(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return value.toString();
    default:
      return JSON.stringify(value) ?? '';
  }
}

function toParam(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return arrayLiteral(value);
  return scalar(value);
}

interface ProtocolConnection {
  stream: { write(buffer: Buffer): boolean };
}

type Row = Record<string, string | null>;

class PipelinedQuery {
  private completed = 0;
  private fields: string[] = [];
  /** Rows of each described statement, by its index. */
  private readonly rows: Row[][] = [];
  private settled = false;
  /** Statements parsed under a new name by this pipeline: [index, text, name]. */
  private readonly parsing: Array<[number, string, string]> = [];
  callback?: (error: Error | null) => void;

  constructor(
    private readonly statements: PipelinedStatement[],
    private readonly prepared: ConnectionStatements | undefined,
    private readonly resolve: (rows: Row[][]) => void,
    private readonly reject: (error: unknown) => void,
  ) {}

  /** The statement's name on this connection, and whether it must be parsed first. */
  private nameFor(index: number, statement: PipelinedStatement): { name: string; parse: boolean } {
    const prepared = this.prepared;
    if (!statement.prepare || !prepared) return { name: '', parse: true };
    const known = prepared.names.get(statement.text);
    if (known !== undefined) {
      // Most recently used last.
      prepared.names.delete(statement.text);
      prepared.names.set(statement.text, known);
      return { name: known, parse: false };
    }
    const name = `pgrst_${prepared.next++}`;
    this.parsing.push([index, statement.text, name]);
    return { name, parse: true };
  }

  submit(connection: ProtocolConnection): void {
    const chunks: Buffer[] = [];
    const names = this.statements.map((statement, index) => this.nameFor(index, statement));
    // Closes go first: they must not be skipped by an error later in the pipeline.
    if (this.prepared) {
      for (const name of this.prepared.closing.splice(0)) chunks.push(serialize.close({ type: 'S', name }));
    }
    this.statements.forEach((statement, index) => {
      const { name, parse } = names[index]!;
      if (parse) chunks.push(serialize.parse({ text: statement.text, name, types: [] }));
      chunks.push(serialize.bind({ portal: '', statement: name, values: statement.values, binary: false, valueMapper: toParam }));
      if (statement.describe) chunks.push(serialize.describe({ type: 'P', name: '' }));
      chunks.push(serialize.execute({ portal: '', rows: 0 }));
    });
    chunks.push(serialize.sync());
    connection.stream.write(Buffer.concat(chunks));
  }

  /**
   * Records the names this pipeline prepared: every statement before the failed one was parsed; the
   * failed one may or may not have been, so its name is closed (closing a name that does not exist is
   * no error); later ones were skipped.
   */
  private recordPrepared(failedAt: number | undefined): void {
    const prepared = this.prepared;
    if (!prepared) return;
    for (const [index, text, name] of this.parsing) {
      if (failedAt === undefined || index < failedAt) prepared.names.set(text, name);
      else if (index === failedAt) prepared.closing.push(name);
    }
    while (prepared.names.size > prepared.limit) {
      const [oldest, name] = prepared.names.entries().next().value!;
      prepared.names.delete(oldest);
      prepared.closing.push(name);
    }
  }

  private describing(): boolean {
    return this.statements[this.completed]?.describe === true;
  }

  handleRowDescription(message: { fields: Array<{ name: string }> }): void {
    if (this.describing()) this.fields = message.fields.map((field) => field.name);
  }

  handleDataRow(message: { fields: Array<string | null> }): void {
    if (!this.describing()) return;
    const row: Row = {};
    this.fields.forEach((name, i) => (row[name] = message.fields[i] ?? null));
    (this.rows[this.completed] ??= []).push(row);
  }

  handleCommandComplete(): void {
    this.completed += 1;
  }

  handleEmptyQuery(): void {
    this.completed += 1;
  }

  handlePortalSuspended(): void {}

  handleError(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.recordPrepared(this.completed);
    this.reject(new PipelineError(error, this.completed));
  }

  handleReadyForQuery(): void {
    if (this.settled) return;
    this.settled = true;
    this.recordPrepared(undefined);
    this.resolve(this.rows);
  }
}

/**
 * Runs the statements in one round trip; resolves with each described statement's rows, by index.
 * Without `prepared`, statements marked `prepare` are parsed anew like the others.
 */
export function runPipeline(client: pg.PoolClient, statements: PipelinedStatement[], prepared?: PreparedStatements): Promise<Row[][]> {
  return new Promise((resolve, reject) => {
    const query = new PipelinedQuery(statements, prepared?.forClient(client), resolve, reject);
    (client as unknown as { query(submittable: unknown): unknown }).query(query);
  });
}
