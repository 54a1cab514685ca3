/**
 * Several statements in one round trip: Parse/Bind/Execute for each, then one Sync, sent through
 * node-postgres's documented extension point for custom queries (a "Submittable", as pg-cursor uses).
 * Every value stays a bound parameter. Only statements marked `describe` return their rows; the
 * index of the statement that failed tells setup errors (role) from the main statement's.
 */
import type pg from 'pg';

export interface PipelinedStatement {
  text: string;
  values: unknown[];
  /** Return this statement's rows. */
  describe?: boolean;
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
  parse(query: { text: string; name: string; types: number[] }): void;
  bind(config: { portal: string; statement: string; values: unknown[]; binary: boolean; valueMapper: (v: unknown) => unknown }): void;
  describe(message: { type: 'P'; name: string }): void;
  execute(config: { portal: string; rows: number }): void;
  sync(): void;
  stream: { cork(): void; uncork(): void };
}

type Row = Record<string, string | null>;

class PipelinedQuery {
  private completed = 0;
  private fields: string[] = [];
  /** Rows of each described statement, by its index. */
  private readonly rows: Row[][] = [];
  private settled = false;
  callback?: (error: Error | null) => void;

  constructor(
    private readonly statements: PipelinedStatement[],
    private readonly resolve: (rows: Row[][]) => void,
    private readonly reject: (error: unknown) => void,
  ) {}

  submit(connection: ProtocolConnection): void {
    connection.stream.cork();
    try {
      for (const statement of this.statements) {
        connection.parse({ text: statement.text, name: '', types: [] });
        connection.bind({ portal: '', statement: '', values: statement.values, binary: false, valueMapper: toParam });
        if (statement.describe) connection.describe({ type: 'P', name: '' });
        connection.execute({ portal: '', rows: 0 });
      }
      connection.sync();
    } finally {
      connection.stream.uncork();
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
    this.reject(new PipelineError(error, this.completed));
  }

  handleReadyForQuery(): void {
    if (this.settled) return;
    this.settled = true;
    this.resolve(this.rows);
  }
}

/** Runs the statements in one round trip; resolves with each described statement's rows, by index. */
export function runPipeline(client: pg.PoolClient, statements: PipelinedStatement[]): Promise<Row[][]> {
  return new Promise((resolve, reject) => {
    const query = new PipelinedQuery(statements, resolve, reject);
    (client as unknown as { query(submittable: unknown): unknown }).query(query);
  });
}
