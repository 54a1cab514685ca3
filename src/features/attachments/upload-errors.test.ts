import { describe, expect, it } from 'vitest';
import { uploadErrorMessage } from './upload-errors';

const storageError = (statusCode: string, status = 400) => Object.assign(new Error('refused'), { name: 'StorageApiError', status, statusCode });

describe('uploadErrorMessage', () => {
  it('reads storage-api’s status from the body, not the HTTP 400 it answers with', () => {
    expect(uploadErrorMessage(storageError('413'))).toMatch(/larger than the server accepts/);
    expect(uploadErrorMessage(storageError('415'))).toMatch(/does not accept this type/);
    expect(uploadErrorMessage(storageError('403'))).toMatch(/refused the file/);
  });

  it('tells a dropped TUS connection apart, and says the retry resumes', () => {
    const detailed = Object.assign(new Error('tus: failed to upload chunk'), { name: 'DetailedError', originalResponse: null });
    expect(uploadErrorMessage(detailed)).toMatch(/continues where it stopped/);
  });

  it('says a standard upload’s dropped connection in words', () => {
    const wrapped = Object.assign(new Error('Failed to fetch'), { name: 'StorageUnknownError', originalError: new TypeError('Failed to fetch') });
    expect(uploadErrorMessage(wrapped)).toBe('The upload was interrupted: the connection dropped. Retry when you are back online.');
    expect(uploadErrorMessage(new TypeError('Failed to fetch'))).toBe('The upload was interrupted: the connection dropped. Retry when you are back online.');
  });

  it('words the database’s refusals as the rest of the app does', () => {
    expect(uploadErrorMessage({ message: 'invalid_input', details: 'The ticket holds at most 200 MB of files' })).toBe(
      'The ticket holds at most 200 MB of files. Correct it and try again.',
    );
  });
});
