/** The `stillmotion` command: parses its arguments and hands over to the command. */
import { parseArgs, USAGE } from './args';
import { EXIT, runCommand } from './run';

const parsed = parseArgs(process.argv.slice(2));
if (parsed.command === 'help') {
  process.stdout.write(`${USAGE}\n`);
  process.exit(EXIT.ok);
}
if (parsed.command === 'error') {
  process.stderr.write(`stillmotion: ${parsed.message}\n\n${USAGE}\n`);
  process.exit(EXIT.usage);
}
process.exitCode = await runCommand(parsed, { out: process.stdout, err: process.stderr, env: process.env });
