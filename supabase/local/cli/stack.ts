/** The stack alone, in the foreground, printing what `supabase status` prints (flags: see args.ts). */
import { parseStackArgs } from './args.ts';
import { runStack, statusLines, stopOnSignals } from './run.ts';

let args;
try {
  args = parseStackArgs(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.stderr.write('Usage: npm run stack -- [--port N] [--db-port N] [--mail-port N] [--smtp-port N] [--data-dir DIR] [--reset] [--workdir DIR] [--pass-env NAME,…]\n');
  process.exit(2);
}
const started = performance.now();
const stack = await runStack(args);
process.stdout.write(`Local stack started in ${Math.round(performance.now() - started)} ms.\n\n${statusLines(stack).join('\n')}\n\nPress Ctrl-C to stop.\n`);
stopOnSignals(() => stack.stop());
