import { apiErrorMessage } from '../../lib/api-errors';

type StorageLike = { name?: unknown; message?: unknown; status?: unknown; statusCode?: unknown; originalResponse?: { getStatus?: () => number } | null };

/**
 * An upload's failure in words. The database functions' errors (limits, permission) go through the
 * app's usual wording; Storage's and TUS's carry an HTTP status.
 */
export function uploadErrorMessage(error: unknown): string {
  const { name, status, statusCode, originalResponse } = (typeof error === 'object' && error ? error : {}) as StorageLike;
  // storage-api answers 400 for most refusals and puts the real status in the body's statusCode.
  const code = Number(statusCode ?? originalResponse?.getStatus?.() ?? status ?? NaN);
  // storage-js wraps a failed fetch (offline, connection reset) as StorageUnknownError.
  if (name === 'StorageUnknownError' || (error instanceof TypeError && /fetch|network|load failed/i.test(error.message))) {
    return 'The upload was interrupted: the connection dropped. Retry when you are back online.';
  }
  if (name === 'StorageApiError' || name === 'DetailedError' || Number.isFinite(code)) {
    if (code === 413) return 'The file is larger than the server accepts. Compress it or send a smaller part.';
    if (code === 415) return 'The server does not accept this type of file.';
    if (code === 403 || code === 401) return 'The server refused the file: you may not add files to this ticket, or your session ended. Reload the page and try again.';
    if (code === 409) return 'This upload was already stored. Retry to finish it.';
    if (code === 0 || name === 'DetailedError') return 'The connection dropped during the upload. Retry when you are back online: it continues where it stopped.';
  }
  return apiErrorMessage(error);
}
