/** The stack's command line: where the project is, what the functions get from the shell, bad flags. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseStackArgs } from './args.ts';

const project = mkdtempSync(join(tmpdir(), 'supabase-local-args-'));
mkdirSync(join(project, 'supabase'));
writeFileSync(join(project, 'supabase', 'config.toml'), '');
afterAll(() => rmSync(project, { recursive: true, force: true }));

describe('parseStackArgs', () => {
  it('serves --workdir\'s supabase/ folder, keeping its data in supabase/.local by default', () => {
    expect(parseStackArgs(['--workdir', project])).toEqual({
      supabaseDir: join(project, 'supabase'),
      port: 54321,
      dbPort: 54322,
      dataDir: join(project, 'supabase', '.local'),
      reset: false,
      functionsEnvPassthrough: [],
    });
  });

  it('hands on the variables --pass-env names, and refuses what is no variable name', () => {
    const args = parseStackArgs(['--workdir', project, '--pass-env', 'STRIPE_SECRET_KEY, SITE_URL,']);
    expect(args.functionsEnvPassthrough).toEqual(['STRIPE_SECRET_KEY', 'SITE_URL']);
    expect(() => parseStackArgs(['--pass-env', 'STRIPE KEY'])).toThrow('--pass-env: "STRIPE KEY" is not an environment variable name');
  });

  it('lets a later flag win, so a start script can put defaults first', () => {
    expect(parseStackArgs(['--workdir', '/nowhere', '--workdir', project, '--port', '1', '--port', '2']).port).toBe(2);
    expect(parseStackArgs(['--workdir', '/nowhere', '--workdir', project]).supabaseDir).toBe(join(project, 'supabase'));
  });

  it('takes the mail catcher ports from --mail-port and --smtp-port, leaving them to config.toml otherwise', () => {
    const args = parseStackArgs(['--workdir', project, '--mail-port', '6024', '--smtp-port', '6025']);
    expect([args.mailPort, args.smtpPort]).toEqual([6024, 6025]);
    expect('mailPort' in parseStackArgs(['--workdir', project])).toBe(false);
    expect(() => parseStackArgs(['--smtp-port', 'x'])).toThrow('--smtp-port must be a port number between 1 and 65535, got "x"');
  });

  it('refuses ports out of range and unknown flags', () => {
    expect(() => parseStackArgs(['--port', '70000'])).toThrow('--port must be a port number between 1 and 65535, got "70000"');
    expect(() => parseStackArgs(['--bogus'])).toThrow();
  });
});
