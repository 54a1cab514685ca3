import { ApiError } from '../../lib/public-api';

type FunctionsErrorLike = { name?: unknown; context?: unknown };

/**
 * supabase-js reports a non-2xx answer of an edge function as FunctionsHttpError with the Response in
 * `context`; our functions answer `{ error: { code, message } }`. Turns that into an ApiError whose
 * message is the sentence for people.
 */
export async function functionError(error: unknown): Promise<unknown> {
  const { name, context } = (typeof error === 'object' && error ? error : {}) as FunctionsErrorLike;
  if (name === 'FunctionsHttpError' && context instanceof Response) {
    const body = (await context.json().catch(() => ({}))) as { error?: { code?: unknown; message?: unknown } };
    const code = typeof body.error?.code === 'string' ? body.error.code : 'function_error';
    const message = typeof body.error?.message === 'string' ? body.error.message : `The request failed (HTTP ${context.status}).`;
    return new ApiError(message, '', code, context.status);
  }
  return error;
}
