/** The `stillmotion` command: parses its arguments and hands over to the command. */
import { EXIT, parseArgs, USAGE } from './args';

const parsed = parseArgs(process.argv.slice(2));
if (parsed.command === 'help') {
  process.stdout.write(`${USAGE}\n`);
  process.exit(EXIT.ok);
}
if (parsed.command === 'error') {
  process.stderr.write(`stillmotion: ${parsed.message}\n\n${USAGE}\n`);
  process.exit(EXIT.usage);
}
// Loaded only now: it brings the server, the browser driver and the engine, which take seconds
// to load, and a mistyped argument deserves an answer at once.
const { runCommand } = await import('./run');
process.exitCode = await runCommand(parsed, { out: process.stdout, err: process.stderr, env: process.env });
