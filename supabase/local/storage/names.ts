/**
 * storage-api's rules for bucket names and object keys. Keys are checked, never rewritten: a name the
 * rules refuse is a 400 `InvalidKey`, so what is stored is exactly what the client asked for.
 */

const BUCKET_NAME = /^[A-Za-z0-9_!.*'() &$=@;:+,?-]*$/;
// The same characters as storage-api allows in keys, plus `/` as the folder separator. Everything else
// — control characters, `%`, `#`, `\`, quotes, non-ASCII letters — is refused.
const OBJECT_KEY = /^[A-Za-z0-9_/!.*'() &$=@;:+,?-]*$/;

export function bucketNameProblem(name: string): string | null {
  if (!name) return 'Bucket name invalid: it is empty';
  if (name.length > 100) return 'Bucket name invalid: longer than 100 characters';
  if (name !== name.trim()) return 'Bucket name invalid: leading or trailing spaces';
  if (!BUCKET_NAME.test(name)) return 'Bucket name invalid: only letters, digits, spaces and _!.*\'()&$=@;:+,?- are allowed';
  return null;
}

/**
 * True when `key` may name an object: non-empty, at most 1024 bytes, storage-api's characters — and,
 * because a key is a path on disk here, no `.`, `..` or empty segment and none over 255 bytes (the
 * longest file name a disk takes).
 */
export function isValidObjectKey(key: string): boolean {
  if (!key || !OBJECT_KEY.test(key) || Buffer.byteLength(key) > 1024) return false;
  return key.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..' && segment.length <= 255);
}
