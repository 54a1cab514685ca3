/**
 * The app's settings, as validated when the bundle was built: vite.config.ts runs ./env-schema.ts (zod)
 * over the VITE_* values and compiles the result in as `__APP_ENV__`. main.tsx shows the problems
 * instead of the app when they are not valid.
 */
import type { Env, EnvResult } from './env-schema';

declare const __APP_ENV__: EnvResult | undefined;

export type { Env, EnvResult };

export const envResult: EnvResult =
  typeof __APP_ENV__ === 'undefined'
    ? { ok: false, problems: ['The settings were not compiled in: build or serve the app with Vite (vite.config.ts).'] }
    : __APP_ENV__;

/** The parsed settings. main.tsx renders the error screen instead of the app when they are invalid. */
export function getEnv(): Env {
  if (!envResult.ok) throw new Error(`Invalid configuration: ${envResult.problems.join('; ')}`);
  return envResult.env;
}
