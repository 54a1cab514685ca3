import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * One read, one file: a `get-*` query is written once, in the feature that owns it or, when several
 * features read it, in lib (features may not import each other). Three `get-categories` with three
 * keys meant an admin's price change reached one page of the tab and not the others.
 */
const src = new URL('../', import.meta.url);

/** Queries that share a name but read different rows for different people, on purpose. */
const different: Record<string, string> = {
  'get-packages': 'the admin reads every package, active or not; the catalogue only those on sale',
  'get-ticket': "the customer reads their own ticket with balance and relatives; staff any ticket with its assignment",
};

function queryFiles(): { name: string; where: string }[] {
  const features = readdirSync(new URL('features/', src), { withFileTypes: true }).filter((entry) => entry.isDirectory());
  const inFeatures = features.flatMap(({ name: feature }) => {
    const api = new URL(`features/${feature}/api/`, src);
    if (!existsSync(api)) return [];
    return readdirSync(api).map((file) => ({ name: file.replace(/\.tsx?$/, ''), where: `features/${feature}` }));
  });
  const inLib = readdirSync(new URL('lib/', src), { recursive: true, encoding: 'utf8' }).map((file) => ({
    name: file.replace(/^.*\//, '').replace(/\.tsx?$/, ''),
    where: 'lib',
  }));
  return [...inFeatures, ...inLib].filter((file) => file.name.startsWith('get-'));
}

describe('the browser reads each thing once', () => {
  it('finds the queries', () => {
    expect(queryFiles().length).toBeGreaterThan(20);
  });

  it('has no query file written in two places', () => {
    const places = new Map<string, string[]>();
    for (const { name, where } of queryFiles()) places.set(name, [...(places.get(name) ?? []), where]);
    const twice = [...places].filter(([name, where]) => where.length > 1 && !(name in different));
    expect(twice, 'move a read shared by features to lib, or say in `different` why the two differ').toEqual([]);
  });
});
