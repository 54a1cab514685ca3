/**
 * `supabase gen signing-key` without the CLI: prints a JWK array with one new private key (ES256 unless
 * `--algorithm RS256`) to save as `[auth] signing_keys_path`'s file. The file holds a private key: keep
 * it out of git. To rotate, add a new key with "sign" and take "sign" from the old one's key_ops: tokens
 * the old key signed keep verifying until it is removed.
 */
const args = process.argv.slice(2);
const flag = args.indexOf('--algorithm');
const algorithm = flag >= 0 ? args[flag + 1] : 'ES256';
if (algorithm !== 'ES256' && algorithm !== 'RS256') {
  process.stderr.write(`--algorithm must be ES256 or RS256, not ${String(algorithm)}\n`);
  process.exit(1);
}
const { generateSigningKey } = await import('../core/jwt.ts');
process.stdout.write(`${JSON.stringify([generateSigningKey(algorithm)], null, 2)}\n`);
