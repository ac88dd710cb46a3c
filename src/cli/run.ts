/**
 * `stillmotion run`: a folder of photos through one workflow, headless. It uses the app itself
 * (the built app in headless Chromium, the same engine, nodes, storage and provider code, served
 * by the Stillmotion server with its relay), so what runs in the editor runs here. The browser
 * profile lives in the output folder: its cache skips finished work and its journal resumes paid
 * generations. Every paid take is written to the output folder, and into summary.json, the
 * moment it exists, so a node failing further on loses no money's worth of work.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { batchCost, batchEstimate, findBatchSlot, itemDocument, resultNodes, type BatchSlot } from '../batch/batch';
import { fileExtension, type NodeRegistry, type RunPlan, type WorkflowDocument } from '../engine';
import { parseReport } from '../metrics/report';
import { createRegistry } from '../nodes';
import { DEFAULT_COMFYUI_SERVER, normalizeComfyuiAddress, serverList } from '../providers/comfyui/server-address';
import { providerSettingsSchema } from '../providers/settings';
import type { AppServerOptions } from '../server/app-server';
import { EXIT, type RunArgs } from './args';
import { found, launchWithProfile } from './chromium';
import { readJob, writeJob, writeWhole, type CompareSummary, type Job, type JobItem, type Take } from './job';
import { nameDate, outputName } from '../engine/output-names';
import { configure, openApp, planItems, putAssets, runItem, type SentCompare, type SentMedia } from './page-run';
import { nodeParams, preflight, type Preflight } from './preflight';
import { ProgressView, usd } from './progress';
import { serveApp } from './serve-app';
import { forTheCommandLine } from './wording';
import { InputError, readCliWorkflow, type CliFile } from './workflow-input';

/** The checkout this runs from, whether from the sources (src/cli/) or from their build (dist-server/assets/). */
const ROOT = packageRoot(dirname(fileURLToPath(import.meta.url)));
/**
 * The origin the app runs at in the CLI's browser, whatever port serves it: storage belongs to
 * an origin, so a fixed one is what lets the next run find the cache and the journal. Chromium
 * treats *.localhost as a secure context, which WebCodecs and WebGPU need.
 */
const APP_ORIGIN = 'http://stillmotion.localhost';
const PHOTO_TYPES: Readonly<Record<string, string>> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.webp': 'image/webp', '.avif': 'image/avif', '.gif': 'image/gif' };
/** Where the page fetches the photos and the workflow's files from; the CLI answers these itself. */
const FILE_PATH = '/__stillmotion_cli/file/';

export interface Io {
  out: NodeJS.WriteStream;
  err: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

class CliError extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

export async function runCommand(args: RunArgs, io: Io): Promise<number> {
  try {
    return await execute(args, io);
  } catch (error) {
    if (error instanceof CliError || error instanceof InputError) {
      io.err.write(`stillmotion: ${error.message}\n`);
      return error instanceof CliError ? error.code : error.kind === 'usage' ? EXIT.usage : EXIT.workflow;
    }
    throw error;
  }
}

/** A paid node: what each of its takes costs, on which model and route. */
interface PaidNode {
  usd: number | undefined;
  model: string;
  route: string;
}

async function execute(args: RunArgs, io: Io): Promise<number> {
  const registry = createRegistry();
  const { document, hash, files, supplied } = await readCliWorkflow(args.workflow, args.assets, registry);
  const slot = findBatchSlot(document, registry);
  if ('error' in slot) throw new CliError(`${args.workflow}: ${slot.error}`, EXIT.workflow);
  if (supplied.includes(slot.nodeId)) throw new CliError(`--asset ${slot.nodeId}=...: that node takes the photos, which come from --input, one run each`, EXIT.usage);
  const photos = listPhotos(args.input);
  const comfyuiServers = comfyuiServersOf(document);
  const settings = readSettings(args, comfyuiServers);

  const estimate = batchEstimate(document, registry, slot, photos.length);
  io.out.write(`${document.name}: ${photos.length} photo${photos.length === 1 ? '' : 's'} from ${args.input} into ${args.out}\n`);
  const state = join(args.out, '.stillmotion');
  const jobPath = join(state, 'job.json');
  const earlier = readJob(jobPath, hash);
  const job: Job = {
    format: 'stillmotion.job',
    version: 1,
    workflowHash: hash,
    items: photos.map((p) => {
      const before = earlier?.items.find((i) => i.input === p);
      if (before?.status === 'done' && before.outputs.every(existsSync)) return before;
      // Takes an earlier try paid for stay listed (and on disk) until this one brings them again.
      return { input: p, status: 'pending', outputs: [], takes: before?.takes ?? [], compare: before?.compare ?? [] };
    }),
  };
  const todo = job.items.map((item, index) => ({ item, index })).filter(({ item }) => item.status !== 'done');
  if (earlier) io.out.write(`Resuming: ${job.items.length - todo.length} of ${job.items.length} photos were finished earlier.\n`);
  // A resumed run prices the photos it has left, not the whole batch again.
  const planned = earlier ? batchEstimate(document, registry, slot, todo.length) : estimate;
  for (const line of planned.lines) io.out.write(`  ${line.title} (${line.nodeId}): ${usd(line.usd)} x ${line.times}${line.assumed ? ' (price partly assumed)' : ''}\n    ${line.basis}\n`);
  const which = earlier ? ` of the ${todo.length} photo${todo.length === 1 ? '' : 's'} left` : '';
  io.out.write(`Estimated cost${which}: ${usd(planned.totalUsd)}${planned.lines.length === 0 ? ' (nothing in this workflow is paid)' : ''}; results already made are not paid again.\n`);
  if (comfyuiServers.length > 0) io.out.write(`ComfyUI servers this workflow uses, reached through the Stillmotion server: ${comfyuiServers.join(', ')}\n`);

  const checks = await preflight({ document, registry, slot, files, env: io.env, photos: todo.map((t) => t.item.input), workflowPath: args.workflow });
  for (const warning of checks.warnings) io.out.write(`warning: ${warning}\n`);
  if (args.dryRun) return reportDryRun(io, checks, todo, planned.totalUsd, earlier !== undefined);
  if (checks.problems.length > 0) {
    throw new CliError(`nothing was sent: every photo would fail:\n${checks.problems.map((p) => `  ${p}`).join('\n')}\n(run with --dry-run to check again without sending anything)`, EXIT.refused);
  }
  for (const { item } of todo) {
    const problems = checks.photoProblems.get(item.input);
    if (!problems) continue;
    Object.assign(item, { status: 'failed', error: problems.join('; ') });
    io.out.write(`FAILED ${basename(item.input)}: ${item.error}\n`);
  }

  mkdirSync(state, { recursive: true });
  const summary = new Summary(args, document, estimate.totalUsd, job, jobPath);
  summary.save();
  const runnable = todo.filter(({ item }) => item.status === 'pending');
  if (runnable.length > 0) {
    const titles = Object.fromEntries(document.nodes.map((n) => [n.id, n.title ?? registry.get(n.type)?.title ?? n.type]));
    await runItems(args, io, { document, registry, slot, settings, files, summary, todo: runnable, profile: join(state, 'profile'), titles, paid: paidNodes(document, registry) });
  }
  const counts = summary.save();
  const paid = estimate.lines.length > 0 ? `; ${usd(summary.paidUsd())} paid for the takes on disk` : '';
  io.out.write(`${counts.done} done, ${counts.failed} failed of ${job.items.length}${paid}; summary in ${join(args.out, 'summary.json')}\n`);
  return counts.failed > 0 ? EXIT.failed : EXIT.ok;
}

/** Prints what would fail, photo by photo; exit 1 when anything would. */
function reportDryRun(io: Io, checks: Preflight, todo: readonly { item: JobItem }[], leftUsd: number, resumed: boolean): number {
  let failing = 0;
  for (const { item } of todo) {
    const problems = [...checks.problems, ...(checks.photoProblems.get(item.input) ?? [])];
    if (problems.length > 0) failing++;
    for (const problem of problems) io.out.write(`would fail: ${basename(item.input)}: ${problem}\n`);
  }
  if (failing > 0) {
    io.out.write(`${failing} of ${todo.length} photos would fail; nothing was sent.\n`);
    return EXIT.failed;
  }
  io.out.write(`Nothing found that would fail. Left to pay: about ${usd(leftUsd)}${resumed ? ' (photos finished earlier are not counted; generations made earlier are not paid again)' : ''}.\n`);
  return EXIT.ok;
}

/** The job and summary.json, written together after every change: what a crash leaves is never behind what was paid. */
class Summary {
  constructor(
    readonly args: RunArgs,
    readonly document: WorkflowDocument,
    readonly estimatedCostUsd: number,
    readonly job: Job,
    readonly jobPath: string,
  ) {}

  save(): { done: number; failed: number; pending: number } {
    writeJob(this.jobPath, this.job);
    const counts = { done: 0, failed: 0, pending: 0 };
    for (const item of this.job.items) counts[item.status]++;
    const summary = { workflow: resolve(this.args.workflow), name: this.document.name, estimatedCostUsd: this.estimatedCostUsd, paidUsd: this.paidUsd(), counts, items: this.job.items };
    writeWhole(join(this.args.out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
    return counts;
  }

  /** What the takes on disk cost, whichever run made them. */
  paidUsd(): number {
    return dollars(this.job.items.reduce((sum, item) => sum + item.takes.reduce((s, t) => s + (t.costUsd ?? 0), 0), 0));
  }
}

function listPhotos(folder: string): string[] {
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new CliError(`--input ${folder} is not a folder`, EXIT.usage);
  const photos = readdirSync(folder)
    .filter((name) => Object.hasOwn(PHOTO_TYPES, extname(name).toLowerCase()))
    .sort()
    .map((name) => join(folder, name));
  if (photos.length === 0) throw new CliError(`no photos (JPEG, PNG, WebP, AVIF, GIF) in ${folder}`, EXIT.refused);
  return photos;
}

/**
 * The ComfyUI servers the workflow's nodes name (several, for a pool): running this workflow is the user saying they
 * may be reached, so the relay and the app's settings get them (the plan prints them).
 */
function comfyuiServersOf(document: WorkflowDocument): string[] {
  const servers = document.nodes
    .filter((n) => n.type === 'generate.video' && n.params.route === 'comfyui')
    .flatMap((n) => serverList(String(n.params.server ?? DEFAULT_COMFYUI_SERVER)))
    .map(normalizeComfyuiAddress);
  return [...new Set(servers.flatMap((s) => (s.ok ? [s.url] : [])))];
}

/** --endpoint provider=API[,HOST...]: where the relay sends that provider's traffic instead of its own API. */
function upstreamsOf(args: RunArgs): AppServerOptions['upstreams'] {
  return Object.fromEntries(Object.entries(args.endpoints).map(([id, urls]) => [id, { keyed: [urls[0]!], open: urls.slice(1) }]));
}

function readSettings(args: RunArgs, comfyuiServers: readonly string[]): ReturnType<typeof providerSettingsSchema.parse> {
  let saved: Record<string, unknown> = {};
  if (args.settings) {
    try {
      saved = JSON.parse(readFileSync(args.settings, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new CliError(`--settings ${args.settings}: ${(error as Error).message}`, EXIT.usage);
    }
  }
  const parsed = providerSettingsSchema.safeParse({ ...saved, comfyuiServers: [...new Set([...((saved.comfyuiServers as string[] | undefined) ?? []), ...comfyuiServers])] });
  if (!parsed.success) throw new CliError(`--settings ${args.settings}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, EXIT.usage);
  return parsed.data;
}

/** The nodes that cost money (those with a cost estimate), with what each take costs. */
function paidNodes(document: WorkflowDocument, registry: NodeRegistry): Map<string, PaidNode> {
  const paid = new Map<string, PaidNode>();
  for (const node of document.nodes) {
    const definition = registry.get(node.type);
    if (!definition?.cost) continue;
    const { params } = nodeParams(definition, node);
    const usd = definition.cost(params)?.usd;
    paid.set(node.id, { usd: usd === undefined ? undefined : dollars(usd), model: String(params.model ?? ''), route: String(params.route ?? '') });
  }
  return paid;
}

interface Plan {
  document: WorkflowDocument;
  registry: NodeRegistry;
  slot: BatchSlot;
  settings: ReturnType<typeof providerSettingsSchema.parse>;
  files: ReadonlyMap<string, CliFile>;
  summary: Summary;
  todo: { item: JobItem; index: number }[];
  profile: string;
  /** What each node is called, as the editor names it. */
  titles: Record<string, string>;
  paid: Map<string, PaidNode>;
}

async function runItems(args: RunArgs, io: Io, plan: Plan): Promise<void> {
  try {
    found();
  } catch (error) {
    throw new CliError((error as Error).message, EXIT.refused);
  }
  // The app as `npm start` serves it, rebuilt first if the sources changed.
  const build = spawnSync(process.execPath, ['--input-type=module', '-e', "import { ensureBuild } from './scripts/ensure.mjs'; ensureBuild();"], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new CliError(`the app could not be built:\n${build.stdout}${build.stderr}`, EXIT.refused);
  // The Stillmotion server, relaying provider calls as it does for the editor: to each provider's
  // API, or where --endpoint sends it, and to the ComfyUI servers this workflow names.
  const server = await serveApp(ROOT, { publicOrigins: [APP_ORIGIN], upstreams: upstreamsOf(args), comfyuiServers: plan.settings.comfyuiServers });
  // The fixed origin resolves to the server's port, whichever it is this time.
  const context = await launchWithProfile(plan.profile, [`--host-resolver-rules=MAP ${new URL(APP_ORIGIN).hostname} ${new URL(server.url).host}`]);
  const { job } = plan.summary;
  let view: ProgressView | undefined;
  try {
    // The tab the browser opened with: a second one would start (and pay for) another renderer.
    const page = context.pages()[0] ?? (await context.newPage());
    // The photos, then the workflow's own files: fetched by the page from a path the CLI answers.
    const served = [...job.items.map((item) => ({ body: () => readFileSync(item.input), mime: PHOTO_TYPES[extname(item.input).toLowerCase()]!, name: basename(item.input) })), ...[...plan.files.values()].map((f) => ({ body: () => Buffer.from(f.bytes), mime: f.ref.mime, name: f.ref.name }))];
    await page.route(`**${FILE_PATH}*`, (route) => {
      const file = served[Number(new URL(route.request().url()).pathname.slice(FILE_PATH.length))]!;
      return route.fulfill({ body: file.body(), contentType: file.mime });
    });
    const items = new ItemWriter(args, plan, () => view);
    await openApp(page, APP_ORIGIN, {
      progress: (index, fraction, message) => view?.update(index, { name: basename(job.items[index]!.input), fraction, message }),
      take: async (index, take) => items.take(index, take),
      compare: (index, compare) => items.compare(index, compare),
    });
    await configure(page, io.env, plan.settings);
    const refs = await putAssets(page, served.map((file, i) => ({ url: `${FILE_PATH}${i}`, name: file.name })));
    const photoRefs = refs.slice(0, job.items.length).map((ref, i) => ({ ...ref, name: basename(job.items[i]!.input) }));
    const documents = new Map(plan.todo.map(({ index }) => [index, itemDocument(plan.document, plan.slot, photoRefs, index)]));

    const left = leftToPay(plan, await planItems(page, [...documents.values()]));
    if (plan.paid.size > 0) io.out.write(`Left to pay: about ${usd(left.usd)}${left.settled > 0 ? ` (${left.settled} paid generation${left.settled === 1 ? ' was' : 's were'} made or sent earlier and ${left.settled === 1 ? 'is' : 'are'} not paid again)` : ''}\n`);
    if (args.maxCostUsd !== undefined && left.usd > args.maxCostUsd) {
      throw new CliError(`what is left to pay (${usd(left.usd)}) is above --max-cost ${usd(args.maxCostUsd)}; nothing was sent`, EXIT.refused);
    }

    view = new ProgressView(plan.todo.length, io.out, left.perPhoto);
    const nodes = { takes: [...plan.paid.keys()], compares: plan.document.nodes.filter((n) => n.type === 'analyse.compare').map((n) => n.id), results: resultNodes(plan.document), titles: plan.titles };
    const queue = [...plan.todo];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const started = Date.now();
        const outcome = await runItem(page, documents.get(next.index)!, next.index, nodes);
        const item = items.finish(next.index, outcome, Math.round((Date.now() - started) / 100) / 10);
        view!.finish(next.index, `${item.status === 'done' ? 'done  ' : 'FAILED'} ${basename(item.input)}${item.error ? `: ${item.error}` : ''}`);
      }
    };
    await Promise.all(Array.from({ length: Math.min(args.concurrency, queue.length) }, worker));
  } finally {
    view?.close();
    await context.close().catch(() => undefined);
    await server.close();
  }
}

/** What the photos still to run will cost, each and in all (batchCost: cached or sent generations are not paid again). */
function leftToPay(plan: Plan, plans: readonly RunPlan[]): { usd: number; perPhoto: Map<number, number>; settled: number } {
  const cost = batchCost(plans, new Set(plan.paid.keys()), (id) => plan.titles[id] ?? id);
  return { usd: dollars(cost.usd), perPhoto: new Map(plan.todo.map(({ index }, i) => [index, dollars(cost.perItem[i]!)])), settled: cost.settled };
}

/** Writes a photo's takes, Compare verdicts and results to --out as they come, and keeps the job in step. */
class ItemWriter {
  /** File names given in this run, so two outputs never share one. */
  readonly #names = new Set<string>();
  /** {date}: the day the run started, the same for every file it writes. */
  readonly #date = nameDate(new Date());

  constructor(
    readonly args: RunArgs,
    readonly plan: Plan,
    readonly view: () => ProgressView | undefined,
  ) {}

  async take(index: number, sent: SentMedia): Promise<void> {
    const item = this.plan.summary.job.items[index]!;
    const paid = this.plan.paid.get(sent.nodeId)!;
    const file = this.#write(item.input, sent, paid.model);
    const take: Take = { node: sent.nodeId, title: this.plan.titles[sent.nodeId] ?? sent.nodeId, ...(paid.model ? { model: paid.model } : {}), ...(paid.route ? { route: paid.route } : {}), ...(paid.usd === undefined ? {} : { costUsd: paid.usd }), file, hash: sent.hash, earlier: sent.cached };
    item.takes = [...item.takes.filter((t) => t.node !== take.node), take];
    this.plan.summary.save();
    if (!sent.cached) this.view()?.spend(index, paid.usd ?? 0);
  }

  compare(index: number, sent: SentCompare): void {
    const item = this.plan.summary.job.items[index]!;
    const report = parseReport(sent.report);
    if (!report) return;
    // The report counts takes in the order they were wired; `ranked` gives each one's bytes, and so its file.
    const nameOf = (take: number) => item.takes.find((t) => t.hash === sent.ranked[report.ranking.indexOf(take)])?.file ?? `take ${take + 1}`;
    const summary: CompareSummary = {
      node: sent.nodeId,
      title: this.plan.titles[sent.nodeId] ?? sent.nodeId,
      pickedBy: report.pickedBy,
      pick: nameOf(report.picked),
      ranking: report.ranking.map((take) => {
        const { rank, total, verdict, marks, values } = report.takes[take]!;
        return { take: nameOf(take), rank, total, verdict: verdict.text, marks, scores: values };
      }),
    };
    item.compare = [...item.compare.filter((c) => c.node !== sent.nodeId), summary];
    this.plan.summary.save();
  }

  finish(index: number, outcome: { failed: string[]; results: SentMedia[] }, seconds: number): JobItem {
    const item = this.plan.summary.job.items[index]!;
    const results = outcome.results.map((result) => this.#write(item.input, result, ''));
    const outputs = [...item.takes.map((t) => t.file), ...results];
    const finished: JobItem = { ...item, status: outcome.failed.length > 0 ? 'failed' : 'done', outputs, seconds, ...(outcome.failed.length > 0 ? { error: outcome.failed.map(forTheCommandLine).join('; ') } : {}) };
    if (outcome.failed.length === 0) delete finished.error;
    this.plan.summary.job.items[index] = finished;
    this.plan.summary.save();
    return finished;
  }

  #write(input: string, media: SentMedia, model: string): string {
    const base = outputName(this.args.name, { workflow: this.plan.document.name, photo: basename(input, extname(input)), node: media.nodeId, model, date: this.#date });
    const extension = fileExtension(media.mime) ?? 'bin';
    let name = `${base}.${extension}`;
    for (let n = 2; this.#names.has(name); n++) name = `${base}-${n}.${extension}`;
    this.#names.add(name);
    const path = join(this.args.out, name);
    writeWhole(path, Buffer.from(media.data, 'base64'));
    return path;
  }
}

/** An amount in dollars without float noise (1.4, not 1.4000000000000001): prices go to a tenth of a cent a second. */
function dollars(amount: number): number {
  return Math.round(amount * 1e6) / 1e6;
}

/** The nearest folder at or above `dir` holding a package.json. */
function packageRoot(dir: string): string {
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(join(at, 'package.json'))) return at;
    if (dirname(at) === at) throw new Error(`no package.json above ${dir}`);
  }
}
