/** Which failures mean "Postgres is out of reach" (503) and which are the request's own (as before). */
import { describe, expect, it } from 'vitest';
import { databaseUnavailable, errorResponse } from '../rest/errors.ts';
import { connectionFailure } from './db-errors.ts';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('connectionFailure', () => {
  it('calls a refused, starting or full server a failure to connect', () => {
    expect(connectionFailure(withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:54322'))).toBe('connect');
    expect(connectionFailure(withCode('57P03', 'the database system is starting up'))).toBe('connect');
    expect(connectionFailure(withCode('53300', 'sorry, too many clients already'))).toBe('connect');
    expect(connectionFailure(new Error('timeout exceeded when trying to connect'))).toBe('connect');
  });

  it('calls a connection that broke under a request a lost one', () => {
    expect(connectionFailure(new Error('Connection terminated unexpectedly'))).toBe('lost');
    expect(connectionFailure(withCode('ECONNRESET'))).toBe('lost');
    expect(connectionFailure(withCode('57P01', 'terminating connection due to administrator command'))).toBe('lost');
    expect(connectionFailure(withCode('08006'))).toBe('lost');
    expect(connectionFailure(new Error('Client has encountered a connection error and is not queryable'))).toBe('lost');
  });

  it('leaves every other error alone', () => {
    expect(connectionFailure(withCode('23505', 'duplicate key value'))).toBeUndefined();
    expect(connectionFailure(withCode('42501', 'permission denied'))).toBeUndefined();
    expect(connectionFailure(new Error('something else'))).toBeUndefined();
    expect(connectionFailure('Connection terminated')).toBeUndefined();
    expect(connectionFailure(null)).toBeUndefined();
  });
});

describe("REST's answer while the database is away", () => {
  it("is PostgREST's PGRST000 body with Retry-After when no connection could be opened", () => {
    const error = databaseUnavailable(withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:54322'))!;
    const response = errorResponse(error);
    expect(response.status).toBe(503);
    expect(response.headers).toMatchObject({ 'retry-after': '1' });
    expect(response.body).toBe(
      '{"code":"PGRST000","message":"Database connection error. Retrying the connection.","details":"connect ECONNREFUSED 127.0.0.1:54322","hint":null}',
    );
  });

  it('is PGRST001 when the connection broke, and nothing for an ordinary error', () => {
    expect(databaseUnavailable(new Error('Connection terminated unexpectedly'))).toMatchObject({ status: 503, code: 'PGRST001' });
    expect(databaseUnavailable(withCode('23505'))).toBeUndefined();
  });
});
