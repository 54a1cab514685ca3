/**
 * Which relationship an embed follows, resolved as PostgREST resolves it (src/PostgREST/Plan.hs,
 * findRel): every foreign key gives a many-to-one (or one-to-one) from the referencing table and a
 * one-to-many (or one-to-one) from the referenced one; a junction whose primary key holds two foreign
 * keys gives a many-to-many. The embed names its target by table, constraint or foreign-key column,
 * and a `!hint` narrows by constraint, column (either side) or junction. A table referencing itself
 * has one foreign key and two relationships: its name gives the children, the column the parent.
 * Functions of a table's row returning another table's rows are computed relationships, named by
 * the function.
 */
import { ApiError } from './errors.ts';
import { closest, ranked } from './fuzzy.ts';
import type { ForeignKey, SchemaCache, Table } from './schema-cache.ts';

export type Relationship =
  | {
      kind: 'many-to-one' | 'one-to-many' | 'one-to-one';
      fk: ForeignKey;
      target: Table;
      toOne: boolean;
      /** The parent is the referenced side (one-to-many, or the parent end of a one-to-one). */
      reverse: boolean;
    }
  | { kind: 'many-to-many'; target: Table; toOne: false; junction: Table; viaParent: ForeignKey; viaTarget: ForeignKey }
  /** A function of the parent's row returning the target's rows, embedded under its own name. */
  | { kind: 'computed'; fn: { schema: string; name: string }; target: Table; toOne: boolean };

interface Candidate {
  rel: Relationship;
  isSelf: boolean;
  /** Constraint name (junction name for many-to-many). */
  name: string;
  /** Parent-side and target-side columns of a single-column foreign key. */
  single?: { own: string; other: string };
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));
const subset = (a: string[], b: string[]) => a.every((x) => b.includes(x));

/** Every relationship starting at `parent` whose target is in `schema`, PostgREST's relationship map. */
function relationshipsOf(cache: SchemaCache, parent: Table, schema: string): Candidate[] {
  const out: Candidate[] = [];
  const inSchema = (table: Table | undefined): table is Table => table !== undefined && table.schema === schema;
  for (const fk of cache.foreignKeys) {
    const from = cache.tables.get(fk.from);
    const to = cache.tables.get(fk.to);
    if (!from || !to) continue;
    const unique = from.uniqueKeys.some((key) => sameSet(key, fk.fromColumns));
    const isSelf = fk.from === fk.to;
    const single = fk.fromColumns.length === 1;
    if (fk.from === parent.key && inSchema(to)) {
      out.push({
        rel: { kind: unique ? 'one-to-one' : 'many-to-one', fk, target: to, toOne: true, reverse: false },
        isSelf, name: fk.name, single: single ? { own: fk.fromColumns[0]!, other: fk.toColumns[0]! } : undefined,
      });
    }
    if (fk.to === parent.key && inSchema(from)) {
      out.push({
        rel: { kind: unique ? 'one-to-one' : 'one-to-many', fk, target: from, toOne: unique, reverse: true },
        isSelf, name: fk.name, single: single ? { own: fk.toColumns[0]!, other: fk.fromColumns[0]! } : undefined,
      });
    }
  }
  for (const viaParent of cache.foreignKeys) {
    if (viaParent.to !== parent.key) continue;
    const junction = cache.tables.get(viaParent.from);
    if (!junction || junction.key === parent.key) continue;
    for (const viaTarget of cache.foreignKeys) {
      if (viaTarget === viaParent || viaTarget.from !== junction.key) continue;
      const target = cache.tables.get(viaTarget.to);
      if (!inSchema(target) || target.key === junction.key) continue;
      if (!subset([...viaParent.fromColumns, ...viaTarget.fromColumns], junction.primaryKey)) continue;
      out.push({
        rel: { kind: 'many-to-many', target, toOne: false, junction, viaParent, viaTarget },
        isSelf: target.key === parent.key, name: junction.name,
      });
    }
  }
  for (const fn of cache.computedRelationships) {
    const target = cache.tables.get(fn.to);
    if (fn.from !== parent.key || fn.schema !== schema || !target) continue;
    out.push({
      rel: { kind: 'computed', fn: { schema: fn.schema, name: fn.name }, target, toOne: fn.toOne },
      isSelf: fn.from === fn.to, name: fn.name,
    });
  }
  return out;
}

function matches(c: Candidate, target: string, hint: string | undefined): boolean {
  const { rel } = c;
  if (rel.kind === 'computed') return rel.fn.name === target;
  const toMany = rel.kind === 'one-to-many';
  if (c.isSelf) {
    // One foreign key, two relationships: the table's name reaches the children, the column the parent.
    if (hint === undefined) {
      return (rel.target.name === target && toMany) || (rel.kind === 'many-to-one' && c.single?.own === target);
    }
    return rel.target.name === target && toMany && c.single?.other === hint;
  }
  if (hint === undefined) {
    if (rel.target.name === target) return true;
    if (rel.target.isView || rel.kind === 'many-to-many') return false;
    return c.name === target || c.single?.own === target;
  }
  if (rel.target.name !== target) return false;
  if (rel.kind === 'many-to-many') return c.name === hint;
  return c.name === hint || c.single?.own === hint || c.single?.other === hint;
}

const columnList = (cols: string[]) => `(${cols.join(', ')})`;

/** PostgREST's `details` entry for one of several matching relationships. */
function describe(parent: Table, c: Candidate): Record<string, string> {
  const { rel } = c;
  const embedding = `${parent.name} with ${rel.target.name}`;
  // A computed relationship is reached by its function's name only, so never ambiguous (PostgREST: {}).
  if (rel.kind === 'computed') return {};
  if (rel.kind === 'many-to-many') {
    return {
      embedding,
      cardinality: 'many-to-many',
      relationship: `${rel.junction.name} using ${rel.viaParent.name}${columnList(rel.viaParent.fromColumns)} and ` +
        `${rel.viaTarget.name}${columnList(rel.viaTarget.fromColumns)}`,
    };
  }
  const own = rel.reverse ? rel.fk.toColumns : rel.fk.fromColumns;
  const other = rel.reverse ? rel.fk.fromColumns : rel.fk.toColumns;
  return {
    embedding,
    cardinality: rel.kind,
    relationship: `${rel.fk.name} using ${parent.name}${columnList(own)} and ${rel.target.name}${columnList(other)}`,
  };
}

/** "Perhaps you meant …": a close table name among the parent's relationships, else among all tables with any. */
function noRelationshipHint(cache: SchemaCache, parent: Table, target: string, schema: string, own: Candidate[]): string | null {
  if (own.length > 0) {
    // A target that is itself among them gets no suggestion of itself (the hint is what is wrong).
    const suggestion = ranked(target, own.map((c) => c.rel.target.name)).find(([score]) => score < 1)?.[1] ?? null;
    return suggestion === null ? null : `Perhaps you meant '${suggestion}' instead of '${target}'.`;
  }
  const withRelationships = new Set<string>();
  for (const fk of cache.foreignKeys) {
    for (const key of [fk.from, fk.to]) {
      const table = cache.tables.get(key);
      if (table?.schema === schema) withRelationships.add(table.name);
    }
  }
  const suggestion = closest(parent.name, [...withRelationships]);
  return suggestion === null ? null : `Perhaps you meant '${suggestion}' instead of '${parent.name}'.`;
}

export function resolveRelationship(
  cache: SchemaCache,
  parent: Table,
  schema: string,
  targetName: string,
  hint: string | undefined,
): Relationship {
  const all = relationshipsOf(cache, parent, schema);
  const found = all.filter((c) => matches(c, targetName, hint));
  if (found.length === 1) return found[0]!.rel;
  if (found.length === 0) {
    throw new ApiError(400, 'PGRST200',
      `Could not find a relationship between '${parent.name}' and '${targetName}' in the schema cache`,
      `Searched for a foreign key relationship between '${parent.name}' and '${targetName}'` +
        (hint !== undefined ? ` using the hint '${hint}'` : '') + ` in the schema '${schema}', but no matches were found.`,
      noRelationshipHint(cache, parent, targetName, schema, all));
  }
  // PostgREST lists them in its relationship map's order: target, self or not, kind, constraint.
  const kindOrder = { 'one-to-many': 0, 'many-to-one': 1, 'one-to-one': 2, 'many-to-many': 3, computed: 4 };
  const sortKey = (c: Candidate) => [c.rel.target.schema, c.rel.target.name, c.isSelf ? '1' : '0', String(kindOrder[c.rel.kind]), c.name];
  found.sort((a, b) => {
    const x = sortKey(a);
    const y = sortKey(b);
    for (let i = 0; i < x.length; i += 1) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
    return 0;
  });
  throw new ApiError(300, 'PGRST201',
    `Could not embed because more than one relationship was found for '${parent.name}' and '${targetName}'`,
    found.map((c) => describe(parent, c)),
    `Try changing '${targetName}' to one of the following: ` +
      `${found.map((c) => `'${c.rel.target.name}!${c.name}'`).join(', ')}. Find the desired relationship in the 'details' key.`);
}
