/** The command line, parsed and checked: every mistake named, with the usage, and exit code 2. */
import { z } from 'zod';
import { isRelayed, PROVIDER_ENDPOINTS } from '../providers/endpoints';
import { DEFAULT_NAME, namePatternProblem } from './names';

/** The exit codes USAGE lists. */
export const EXIT = { ok: 0, failed: 1, usage: 2, workflow: 3, refused: 4 } as const;

export const USAGE = `Usage: stillmotion run <workflow.json | bundle.stillmotion.zip | exported video> --input <folder> --out <folder> [options]

Runs the workflow once per photo in <folder> (its Batch input, or its one Image input, takes
each photo) and writes each photo's results, a summary.json and a job file to <out>. Every paid
take is written the moment it exists. Run the same command again to resume: finished photos are
skipped and paid generations are never sent twice.

Options:
  --dry-run              check everything that would fail and print the plan and its cost;
                         send nothing (exit 1 when something would fail)
  --asset <name=path>    a file the workflow uses (music, a second image, a video): name is the
                         node's id or the file's name in the workflow (repeatable)
  --name <pattern>       output file names from {workflow} {photo} {node} {model} {date}
                         (default ${DEFAULT_NAME})
  --concurrency <n>      photos in flight at once (default 4; providers' own limits still hold)
  --settings <file>      provider settings JSON (timing, confirmAboveUsd, comfyuiServers)
  --endpoint <id=url[,url...]>
                         relay a provider's calls to a proxy or test server instead of its own API
                         (repeatable); further URLs are hosts it may reach without the key
  --max-cost <usd>       refuse to start when what is left to pay is above this (default: no limit)
  --help                 this text

Keys come from the environment: ${'FAL_KEY, REPLICATE_API_TOKEN, GEMINI_API_KEY, RUNWAYML_API_SECRET,\n  KLING_ACCESS_KEY + KLING_SECRET_KEY, ARK_API_KEY, MINIMAX_API_KEY, LTX_API_KEY, PIXVERSE_API_KEY'}.
Exit codes: 0 all photos done, 1 some failed (a dry run: would fail), 2 bad arguments, 3 bad workflow,
4 nothing to run, no browser, or nothing that could finish (nothing is sent).`;

export interface RunArgs {
  command: 'run';
  workflow: string;
  input: string;
  out: string;
  dryRun: boolean;
  concurrency: number;
  settings?: string;
  /** Per provider: the API to relay to instead of its own, then hosts reached without the key. */
  endpoints: Record<string, string[]>;
  maxCostUsd?: number;
  /** --asset NAME=PATH, in the order given. */
  assets: string[];
  /** The --name pattern for output files. */
  name: string;
}

export type Parsed = RunArgs | { command: 'help' } | { command: 'error'; message: string };

const endpointSchema = z.string().regex(/^[a-z]+=https?:\/\/[^,]+(,https?:\/\/[^,]+)*$/, 'expected <provider>=<http(s) URL>[,<http(s) URL>...]');

export function parseArgs(argv: readonly string[]): Parsed {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h') || argv[0] === 'help') return { command: 'help' };
  const [command, ...rest] = argv;
  if (command !== 'run') return { command: 'error', message: `unknown command "${command}"; the command is "run"` };
  const positional: string[] = [];
  const flags: Record<string, string[]> = {};
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const name = arg.slice(2);
    if (name === 'dry-run') {
      (flags[name] ??= []).push('true');
      continue;
    }
    if (!['input', 'out', 'concurrency', 'settings', 'endpoint', 'max-cost', 'asset', 'name'].includes(name)) return { command: 'error', message: `unknown option ${arg}` };
    const value = rest[++i];
    if (value === undefined || value.startsWith('--')) return { command: 'error', message: `${arg} needs a value` };
    (flags[name] ??= []).push(value);
  }
  if (positional.length !== 1) return { command: 'error', message: positional.length === 0 ? 'name the workflow file to run' : `one workflow file, please (got ${positional.join(', ')})` };
  const input = flags.input?.[0];
  const out = flags.out?.[0];
  if (!input) return { command: 'error', message: '--input <folder of photos> is required' };
  if (!out) return { command: 'error', message: '--out <folder for results> is required' };
  const concurrency = Number(flags.concurrency?.[0] ?? 4);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) return { command: 'error', message: `--concurrency must be a whole number 1..64 (got ${flags.concurrency?.[0]})` };
  const endpoints: Record<string, string[]> = {};
  for (const value of flags.endpoint ?? []) {
    const checked = endpointSchema.safeParse(value);
    if (!checked.success) return { command: 'error', message: `--endpoint ${value}: ${checked.error.issues[0]!.message}` };
    const [id, url] = [value.slice(0, value.indexOf('=')), value.slice(value.indexOf('=') + 1)];
    if (!isRelayed(id)) return { command: 'error', message: `--endpoint ${value}: "${id}" is not a provider the server relays (${Object.keys(PROVIDER_ENDPOINTS).join(', ')}); a ComfyUI server is named in the workflow` };
    endpoints[id] = url.split(',').map((u) => new URL(u).origin);
  }
  for (const value of flags.asset ?? []) {
    if (!/^[^=]+=.+$/.test(value)) return { command: 'error', message: `--asset ${value}: expected <node id or file name>=<path>` };
  }
  const name = flags.name?.[0] ?? DEFAULT_NAME;
  const nameProblem = namePatternProblem(name);
  if (nameProblem) return { command: 'error', message: `--name ${name}: ${nameProblem}` };
  const maxCost = flags['max-cost']?.[0];
  if (maxCost !== undefined && !(Number(maxCost) >= 0)) return { command: 'error', message: `--max-cost must be a number of dollars (got ${maxCost})` };
  return {
    command: 'run',
    workflow: positional[0]!,
    input,
    out,
    dryRun: Boolean(flags['dry-run']),
    concurrency,
    ...(flags.settings?.[0] ? { settings: flags.settings[0] } : {}),
    endpoints,
    ...(maxCost !== undefined ? { maxCostUsd: Number(maxCost) } : {}),
    assets: flags.asset ?? [],
    name,
  };
}

/** Environment variables holding each provider's key, named as the providers' own SDKs name them. */
export const KEY_VARIABLES: Readonly<Record<string, { apiKey: string; secretKey?: string }>> = {
  fal: { apiKey: 'FAL_KEY' },
  replicate: { apiKey: 'REPLICATE_API_TOKEN' },
  gemini: { apiKey: 'GEMINI_API_KEY' },
  runway: { apiKey: 'RUNWAYML_API_SECRET' },
  kling: { apiKey: 'KLING_ACCESS_KEY', secretKey: 'KLING_SECRET_KEY' },
  byteplus: { apiKey: 'ARK_API_KEY' },
  minimax: { apiKey: 'MINIMAX_API_KEY' },
  luma: { apiKey: 'LUMAAI_API_KEY' },
  ltx: { apiKey: 'LTX_API_KEY' },
  pixverse: { apiKey: 'PIXVERSE_API_KEY' },
};
