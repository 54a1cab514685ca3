/**
 * The contract between the gateway and the services behind it (rest, auth, functions). The gateway
 * has already checked the apikey, mapped `sb_` keys to JWTs the way Supabase's Kong does, answered
 * CORS preflights, limited the body size and stripped the `/rest/v1`-style prefix; each service
 * verifies the JWT itself, as PostgREST and GoTrue do.
 */
import type pg from 'pg';
import type { ProjectConfig } from './project-config.ts';
import type { StackKeys } from './keys.ts';
import type { Logger } from './logger.ts';

export interface ServiceRequest {
  method: string;
  /** Path after the service prefix, e.g. `/todos`, `/rpc/fn`, `/token`, `/hello/extra`. */
  path: string;
  /** The raw query string without `?` (PostgREST's grammar needs it undecoded to split `or=(…)`). */
  rawQuery: string;
  query: URLSearchParams;
  /** Lower-cased header names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  body: Buffer;
  /** Client address, for rate limits and `x-forwarded-for`. */
  ip: string;
}

export interface ServiceResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export type ServiceHandler = (req: ServiceRequest) => Promise<ServiceResponse>;

export interface ServiceContext {
  config: ProjectConfig;
  keys: StackKeys;
  /** Public URL of the gateway, e.g. `http://127.0.0.1:54321`. */
  apiUrl: string;
  /** `postgresql://postgres:postgres@127.0.0.1:54322/postgres`: what `DB URL:` prints. */
  dbUrl: string;
  pools: {
    /** As PostgREST: the non-superuser `authenticator`, which `SET LOCAL ROLE`s per request. */
    authenticator: pg.Pool;
    /** As GoTrue: `supabase_auth_admin`, owner of the `auth` schema. */
    auth: pg.Pool;
  };
  /** The mail catcher's SMTP port once it listens (where Auth sends without `[auth.email.smtp]`). */
  localSmtpPort?: number;
  /** Absolute path of the project's `supabase/` folder. */
  supabaseDir: string;
  log: Logger;
  /**
   * True once the stack has begun to stop. Ctrl-C reaches Postgres as well (one process group), so it
   * may go away while the services are still closing: that is no failure worth reporting or repairing.
   */
  stopping?: () => boolean;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): ServiceResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}
