/** Edge Functions for the local stack: one Deno process behind `/functions/v1`. */
export { createFunctionsService, type FunctionsOptions, type FunctionsService } from './service.ts';
export { parseDotenv } from './env.ts';
