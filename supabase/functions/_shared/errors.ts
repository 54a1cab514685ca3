/**
 * One error shape for every payment function: `{ error: { code, message } }` with a stable snake_case
 * code for the app and a message in words for a person (as the SQL functions' `message`/`details`).
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const badRequest = (code: string, message: string) => new HttpError(400, code, message);
