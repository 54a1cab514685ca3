/**
 * Who a Realtime caller is and what a private channel lets them do, decided as Realtime decides it:
 * tokens verified with role and exp required, and the RLS policies on `realtime.messages` run as the
 * caller's role with their claims and `realtime.topic()` set, on rows that are rolled back.
 */
import type pg from 'pg';
import { verifyJwt, type JwtClaims } from '../core/jwt.ts';

export type TokenCheck = { ok: true; claims: JwtClaims & { role: string; exp: number } } | { ok: false; message: string };

export async function checkToken(token: string, secret: string): Promise<TokenCheck> {
  const result = await verifyJwt(token, secret);
  if (!result.ok) {
    if (result.reason === 'expired') {
      const exp = expOf(token);
      return { ok: false, message: exp === undefined ? 'Token has expired' : `Token has expired ${Math.max(0, Math.floor(Date.now() / 1000) - exp)} seconds ago` };
    }
    return { ok: false, message: token.split('.').length === 3 ? 'Failed to validate JWT signature' : 'The token provided is not a valid JWT' };
  }
  const { claims } = result;
  if (typeof claims.role !== 'string' || typeof claims.exp !== 'number') {
    return { ok: false, message: 'Fields `role` and `exp` are required in JWT' };
  }
  return { ok: true, claims: claims as JwtClaims & { role: string; exp: number } };
}

function expOf(token: string): number | undefined {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp : undefined;
  } catch {
    return undefined;
  }
}

export type Extension = 'broadcast' | 'presence';

async function asCaller(client: pg.PoolClient, claims: JwtClaims, topic: string, headers: Record<string, string>): Promise<void> {
  await client.query(
    `select set_config('role', $1, true), set_config('realtime.topic', $2, true),
            set_config('request.jwt.claims', $3, true), set_config('request.jwt.claim.sub', $4, true),
            set_config('request.jwt.claim.role', $1, true), set_config('request.headers', $5, true)`,
    [claims.role, topic, JSON.stringify(claims), typeof claims.sub === 'string' ? claims.sub : '', JSON.stringify(headers)],
  );
}

/**
 * The read check: probe rows inserted as the privileged user, then selected as the caller; a visible row
 * means the caller may read that extension. Any failure (an unknown role, a policy that errors) is a no.
 */
export async function readAccess(pool: pg.Pool, claims: JwtClaims, topic: string, extensions: Extension[], headers: Record<string, string>): Promise<Set<Extension>> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const probes = await client.query<{ id: string; extension: Extension }>(
      `insert into realtime.messages (topic, extension, private)
       select $1, unnest($2::text[]), true returning id, extension`,
      [topic, extensions],
    );
    await asCaller(client, claims, topic, headers);
    const visible = await client.query<{ extension: Extension }>(
      'select extension from realtime.messages where id = any($1::uuid[])',
      [probes.rows.map((row) => row.id)],
    );
    return new Set(visible.rows.map((row) => row.extension));
  } catch {
    return new Set();
  } finally {
    await client.query('rollback').catch(() => undefined);
    client.release();
  }
}

/** The write check: an insert as the caller inside a transaction that is always rolled back. */
export async function writeAccess(pool: pg.Pool, claims: JwtClaims, topic: string, extension: Extension, headers: Record<string, string>): Promise<boolean> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    await asCaller(client, claims, topic, headers);
    await client.query(`insert into realtime.messages (topic, extension, private) values ($1, $2, true)`, [topic, extension]);
    return true;
  } catch {
    return false;
  } finally {
    await client.query('rollback').catch(() => undefined);
    client.release();
  }
}
