/** The `Prefer` and `Accept` headers, read as PostgREST reads them. */
import type { TxEnd } from './db-config.ts';
import { ApiError } from './errors.ts';
import { ANY_ELEMENT, type MediaHandler, type SchemaCache } from './schema-cache.ts';

export interface Preferences {
  return?: 'minimal' | 'representation' | 'headers-only';
  count?: 'exact' | 'planned' | 'estimated';
  resolution?: 'merge-duplicates' | 'ignore-duplicates';
  missing?: 'default' | 'null';
  tx?: 'commit' | 'rollback';
  handling?: 'strict' | 'lenient';
  maxAffected?: number;
  timezone?: string;
  /** End the transaction with ROLLBACK: `pgrst.db_tx_end`, or `tx=rollback` where it allows overriding. */
  rollback: boolean;
  /** Every preference understood, in PostgREST's `Preference-Applied` wording. */
  applied: string[];
  invalid: string[];
}

const allowed: Record<string, string[]> = {
  return: ['minimal', 'representation', 'headers-only'],
  count: ['exact', 'planned', 'estimated'],
  resolution: ['merge-duplicates', 'ignore-duplicates'],
  missing: ['default', 'null'],
  tx: ['commit', 'rollback'],
  handling: ['strict', 'lenient'],
};

/**
 * supabase-js `append`s each preference, so the server sees them comma-joined. As PostgREST, a
 * `timezone=` that is not one of Postgres' `pg_timezone_names` is an invalid preference: ignored, or
 * 400 PGRST122 with `handling=strict`, never handed to Postgres (which refused it mid-transaction).
 */
export function parsePrefer(header: string | undefined, timezones: ReadonlySet<string>, txEnd: TxEnd = 'commit'): Preferences {
  const prefs: Preferences = { applied: [], invalid: [], rollback: txEnd.startsWith('rollback') };
  if (!header) return prefs;
  for (const raw of header.split(',')) {
    const item = raw.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    const key = (eq < 0 ? item : item.slice(0, eq)).trim();
    const value = eq < 0 ? '' : item.slice(eq + 1).trim();
    if (key === 'max-affected' && /^\d+$/.test(value)) {
      prefs.maxAffected = Number(value);
    } else if (key === 'timezone' && timezones.has(value)) {
      prefs.timezone = value;
    } else if (Object.hasOwn(allowed, key) && allowed[key]!.includes(value)) {
      (prefs as unknown as Record<string, string>)[key] = value;
    } else {
      prefs.invalid.push(item);
    }
  }
  // As PostgREST: `tx=` is a valid preference, but only honoured (and reported as applied) when
  // pgrst.db_tx_end ends in -allow-override.
  if (!txEnd.endsWith('-allow-override')) delete prefs.tx;
  else if (prefs.tx) prefs.rollback = prefs.tx === 'rollback';
  return prefs;
}

/**
 * `Preference-Applied`, in PostgREST's order; each request kind reports only what applies to it
 * (resolution on upserts, missing on inserts and updates, return on writes, max-affected on updates,
 * deletes and calls, the latter only with handling=strict).
 */
export function appliedHeader(
  prefs: Preferences,
  applies: { resolution?: boolean; missing?: boolean; representation?: boolean; maxAffected?: boolean },
): string | undefined {
  const values = [
    applies.resolution && prefs.resolution ? `resolution=${prefs.resolution}` : '',
    applies.missing && prefs.missing ? `missing=${prefs.missing}` : '',
    applies.representation && prefs.return ? `return=${prefs.return}` : '',
    prefs.count ? `count=${prefs.count}` : '',
    prefs.tx ? `tx=${prefs.tx}` : '',
    prefs.handling ? `handling=${prefs.handling}` : '',
    prefs.timezone ? `timezone=${prefs.timezone}` : '',
    applies.maxAffected && prefs.handling === 'strict' && prefs.maxAffected !== undefined ? `max-affected=${prefs.maxAffected}` : '',
  ].filter(Boolean);
  return values.length > 0 ? values.join(', ') : undefined;
}

export function checkStrict(prefs: Preferences): void {
  if (prefs.handling === 'strict' && prefs.invalid.length > 0) {
    throw new ApiError(400, 'PGRST122', 'Invalid preferences given with handling=strict',
      `Invalid preferences: ${prefs.invalid.join(', ')}`);
  }
}

export type MediaKind = 'json' | 'object' | 'csv' | 'custom';

export interface Accepted {
  kind: MediaKind;
  stripNulls: boolean;
  /** For `custom`: the database's handler (a media type domain or aggregate) that writes the body. */
  handler?: MediaHandler;
  /** `application/vnd.pgrst.plan`: EXPLAIN the statement that would answer `kind` (the `for` type). */
  plan?: { format: 'json' | 'text'; options: string[]; for: string };
}

const planOptions = ['analyze', 'verbose', 'settings', 'buffers', 'wal'];

interface MediaRange {
  type: string;
  params: Record<string, string>;
  q: number;
}

function parseMediaRanges(header: string): MediaRange[] {
  return header
    .split(',')
    .map((part) => {
      const [type, ...rest] = part.split(';').map((s) => s.trim());
      const params: Record<string, string> = {};
      for (const p of rest) {
        const eq = p.indexOf('=');
        if (eq > 0) params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim().replace(/^"|"$/g, '');
      }
      return { type: (type ?? '').toLowerCase(), params, q: params.q === undefined ? 1 : Number(params.q) };
    })
    .filter((range) => range.type !== '' && range.q > 0)
    .sort((a, b) => b.q - a.q);
}

/** The media type handlers of the database that may answer a request for one media type. */
export type HandlerLookup = (mediaType: string) => MediaHandler | undefined;

/**
 * PostgREST's lookup, in its order: with the default `select` (none, or `*`), the target's own
 * handlers (a `*\/*` one answering every media type), then those for any relation (`anyelement`).
 * The target is the table, or the function (the table it returns rows of, if it does).
 */
export function handlerLookup(cache: SchemaCache, target: string | undefined, defaultSelect: boolean): HandlerLookup {
  const own = target !== undefined && defaultSelect ? cache.mediaHandlers.get(target) : undefined;
  const any = cache.mediaHandlers.get(ANY_ELEMENT);
  return (mediaType) => own?.get('*/*') ?? own?.get(mediaType) ?? any?.get(mediaType);
}

/** Whether the request selects the default columns, on which a target's own handlers depend. */
export function hasDefaultSelect(query: URLSearchParams): boolean {
  const select = query.get('select');
  return select === null || select.trim() === '*';
}

/**
 * The response media type: the first acceptable one wins (no Accept is `*\/*`); none → 406 PGRST107.
 * As PostgREST, the vendored types (object, stripped nulls, plan) are answered by the service itself;
 * the database's handlers come next and may override JSON and CSV.
 */
export function negotiate(header: string | undefined, lookup?: HandlerLookup): Accepted {
  const ranges = !header || header.trim() === '' ? parseMediaRanges('*/*') : parseMediaRanges(header);
  for (const range of ranges) {
    const stripNulls = range.params.nulls === 'stripped';
    const plan = /^application\/vnd\.pgrst\.plan(?:\+(json|text))?$/.exec(range.type);
    if (plan) {
      const target = range.params.for ?? 'application/json';
      const inner = negotiate(target, lookup);
      // Unknown options are ignored, as PostgREST's media-type parser drops them.
      const options = (range.params.options ?? '').split('|').map((o) => o.trim().toLowerCase()).filter((o) => planOptions.includes(o));
      return { ...inner, plan: { format: plan[1] === 'json' ? 'json' : 'text', options, for: target } };
    }
    switch (range.type) {
      case 'application/vnd.pgrst.object+json':
      case 'application/vnd.pgrst.object':
        return { kind: 'object', stripNulls };
      case 'application/vnd.pgrst.array+json':
      case 'application/vnd.pgrst.array':
        if (stripNulls) return { kind: 'json', stripNulls };
    }
    const handler = lookup?.(range.type.startsWith('application/vnd.pgrst.array') ? 'application/json' : range.type);
    if (handler) return { kind: 'custom', stripNulls: false, handler };
    switch (range.type) {
      // As PostgREST, `application/*` and the like are no wildcards: only `*/*` is.
      case '*/*':
      case 'application/json':
      case 'application/vnd.pgrst.array+json':
      case 'application/vnd.pgrst.array':
        return { kind: 'json', stripNulls: false };
      case 'text/csv':
        return { kind: 'csv', stripNulls: false };
    }
  }
  throw new ApiError(406, 'PGRST107', `None of these media types are available: ${header}`);
}

export function contentTypeFor(accepted: Accepted): string {
  if (accepted.plan) {
    const { format, options } = accepted.plan;
    return `application/vnd.pgrst.plan+${format}; for="${accepted.plan.for}"` +
      `${options.length > 0 ? `; options=${options.join('|')}` : ''}; charset=utf-8`;
  }
  if (accepted.kind === 'custom') return accepted.handler!.contentType;
  if (accepted.kind === 'csv') return 'text/csv; charset=utf-8';
  const base = accepted.kind === 'object' ? 'application/vnd.pgrst.object+json' : 'application/json';
  return accepted.stripNulls ? `${base}; nulls=stripped; charset=utf-8` : `${base}; charset=utf-8`;
}
