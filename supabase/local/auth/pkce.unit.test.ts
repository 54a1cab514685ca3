/** The PKCE parameters' rules (`validatePKCEParams`, `ParseCodeChallengeMethod`) at their edges. */
import { describe, expect, it } from 'vitest';
import { AuthError } from './errors.ts';
import { pkceParams, withFlowPrefix } from './pkce.ts';

describe('pkceParams', () => {
  it('is no PKCE when neither parameter is sent, as supabase-js sends null for the implicit flow', () => {
    expect(pkceParams({})).toBeUndefined();
    expect(pkceParams({ code_challenge: null, code_challenge_method: null })).toBeUndefined();
    expect(pkceParams({ code_challenge: '', code_challenge_method: '' })).toBeUndefined();
  });

  it('takes challenges of 43 and 128 characters and the method in any case, stored lower-case', () => {
    expect(pkceParams({ code_challenge: 'a'.repeat(43), code_challenge_method: 'S256' })).toEqual({
      codeChallenge: 'a'.repeat(43),
      method: 's256',
    });
    expect(pkceParams({ code_challenge: `${'a'.repeat(124)}-._~`, code_challenge_method: 'Plain' })?.method).toBe('plain');
  });

  it('refuses non-string values with a 400 rather than reading them as strings', () => {
    const error = (() => {
      try {
        pkceParams({ code_challenge: 42, code_challenge_method: 's256' });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ status: 400, code: 'validation_failed' });
  });
});

describe('withFlowPrefix', () => {
  it('marks a PKCE token the way GET /verify recognises it, and leaves an implicit one alone', () => {
    expect(withFlowPrefix('abc', { codeChallenge: 'a'.repeat(43), method: 's256' })).toBe('pkce_abc');
    expect(withFlowPrefix('abc', undefined)).toBe('abc');
  });
});
