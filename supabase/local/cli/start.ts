/** `npm start`: the whole product on one machine — the local stack and the web app, seeded with demo data. */
import { join } from 'node:path';
import { createServer } from 'vite';
import { SUPABASE_DIR } from '../stack.ts';
import { parseStackArgs } from './args.ts';
import { runStack, statusLines, stopOnSignals } from './run.ts';

const APP_PORT = 5173;
const DEMO_PASSWORD = 'password123';
const DEMO_LOGINS = ['customer@example.com', 'engineer@example.com', 'admin@example.com'];

const stack = await runStack(parseStackArgs(process.argv.slice(2)));
process.env.VITE_SUPABASE_URL = stack.apiUrl;
process.env.VITE_SUPABASE_ANON_KEY = stack.keys.anonKey;

let app;
try {
  app = await createServer({
    root: join(SUPABASE_DIR, '..'),
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
    '',
    'Data persists under supabase/.local/. Press Ctrl-C to stop.',
    '',
  ].join('\n'),
);
stopOnSignals(async () => {
  await app.close();
  await stack.stop();
});
