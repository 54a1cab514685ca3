/**
 * Which foreign key an embed follows (PostgREST's relationship resolution): many-to-one and
 * one-to-one give an object, one-to-many and many-to-many (through a junction whose primary key
 * holds both foreign keys) give an array. `!hint` picks a constraint, a column or a junction.
 */
import { ApiError } from './errors.ts';
import type { ForeignKey, SchemaCache, Table } from './schema-cache.ts';

export type Relationship =
  | { kind: 'many-to-one' | 'one-to-many' | 'one-to-one'; fk: ForeignKey; target: Table; toOne: boolean; reverse: boolean }
  | { kind: 'many-to-many'; target: Table; toOne: false; junction: Table; viaParent: ForeignKey; viaTarget: ForeignKey };

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));
const subset = (a: string[], b: string[]) => a.every((x) => b.includes(x));

export function resolveRelationship(
  cache: SchemaCache,
  parent: Table,
  schema: string,
  targetName: string,
  hint: string | undefined,
): Relationship {
  const target = cache.tables.get(`${schema}.${targetName}`);
  const notFound = () =>
    new ApiError(400, 'PGRST200',
      `Could not find a relationship between '${parent.name}' and '${targetName}' in the schema cache`,
      `Searched for a foreign key relationship between '${parent.name}' and '${targetName}'` +
        (hint ? ` using the hint '${hint}'` : '') + ` in the schema '${schema}', but no matches were found.`,
      null);
  if (!target) throw notFound();
  const candidates: Array<Relationship & { names: string[] }> = [];
  for (const fk of cache.foreignKeys) {
    if (fk.from === parent.key && fk.to === target.key) {
      const toOne = true;
      candidates.push({ kind: 'many-to-one', fk, target, toOne, reverse: false, names: [fk.name, ...fk.fromColumns] });
    }
    if (fk.to === parent.key && fk.from === target.key) {
      const unique = target.uniqueKeys.some((key) => sameSet(key, fk.fromColumns));
      candidates.push({
        kind: unique ? 'one-to-one' : 'one-to-many', fk, target, toOne: unique, reverse: true,
        names: [fk.name, ...fk.fromColumns],
      });
    }
  }
  for (const viaParent of cache.foreignKeys) {
    if (viaParent.to !== parent.key) continue;
    const junction = cache.tables.get(viaParent.from);
    if (!junction || junction.key === target.key || junction.key === parent.key) continue;
    for (const viaTarget of cache.foreignKeys) {
      if (viaTarget === viaParent || viaTarget.from !== junction.key || viaTarget.to !== target.key) continue;
      if (!subset([...viaParent.fromColumns, ...viaTarget.fromColumns], junction.primaryKey)) continue;
      candidates.push({
        kind: 'many-to-many', target, toOne: false, junction, viaParent, viaTarget,
        names: [junction.name, viaParent.name, viaTarget.name],
      });
    }
  }
  const matching = hint === undefined ? candidates : candidates.filter((c) => c.names.includes(hint));
  if (matching.length === 0) throw notFound();
  if (matching.length > 1) {
    throw new ApiError(300, 'PGRST201',
      `Could not embed because more than one relationship was found for '${parent.name}' and '${targetName}'`,
      matching.map((c) => ({
        cardinality: c.kind,
        embedding: `${parent.name} with ${targetName}`,
        relationship: c.kind === 'many-to-many' ? `${c.junction.name} using ${c.viaParent.name} and ${c.viaTarget.name}` : `${c.fk.name} using ${parent.name}(${(c.reverse ? c.fk.toColumns : c.fk.fromColumns).join(', ')}) and ${targetName}(${(c.reverse ? c.fk.fromColumns : c.fk.toColumns).join(', ')})`,
      })),
      `Try changing '${targetName}' to one of the following: ${matching.map((c) => `'${targetName}!${c.names[0]}'`).join(', ')}. Find the desired relationship in the 'details' key.`);
  }
  const { names: _names, ...relationship } = matching[0]!;
  return relationship;
}
