/**
 * `npm start`: the whole product on one machine — the local stack (the @pro-portal/supabase-local
 * package) and the web app, seeded with demo data. Takes the stack's flags (`--port`, `--reset`, …).
 */
import { join } from 'node:path';
import { parseStackArgs, runStack, statusLines, stopOnSignals } from '@pro-portal/supabase-local';
import { createServer } from 'vite';

const APP_PORT = 5173;
const DEMO_PASSWORD = 'password123';
const DEMO_LOGINS = ['customer@example.com', 'engineer@example.com', 'admin@example.com'];

const ROOT = join(import.meta.dirname, '..');
/**
 * What the edge functions read from the developer's shell when set: the payment provider's settings
 * (README, "Payments: test mode and Stripe"). `npm run stack` passes the same list with --pass-env.
 */
const FUNCTION_ENV = ['PAYMENT_PROVIDER', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'STRIPE_API_URL', 'SITE_URL'];

const stack = await runStack(parseStackArgs(['--workdir', ROOT, '--pass-env', FUNCTION_ENV.join(','), ...process.argv.slice(2)]));
process.env.VITE_SUPABASE_URL = stack.apiUrl;
process.env.VITE_SUPABASE_ANON_KEY = stack.keys.anonKey;

let app;
try {
  app = await createServer({
    root: ROOT,
    server: { port: APP_PORT, strictPort: true },
    clearScreen: false,
  });
  await app.listen();
} catch (error) {
  process.stderr.write(`The web app could not start on port ${APP_PORT}: ${error instanceof Error ? error.message : String(error)}\n`);
  await stack.stop();
  process.exit(1);
}

process.stdout.write(
  [
    '',
    'Pro Portal is running.',
    '',
    `Web app: http://localhost:${APP_PORT}`,
    ...statusLines(stack),
    '',
    `Demo logins (password: ${DEMO_PASSWORD}):`,
    ...DEMO_LOGINS.map((email) => `  ${email}`),
    'Staff (engineer, admin) enrol an authenticator app on first sign-in.',
    '',
    'Data persists under supabase/.local/. Press Ctrl-C to stop.',
    '',
  ].join('\n'),
);
stopOnSignals(async () => {
  await app.close();
  await stack.stop();
});
