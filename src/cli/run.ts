/**
 * `stillmotion run`: a folder of photos through one workflow, headless. It uses the app itself
 * (the built app in headless Chromium, the same engine, nodes, storage and provider code), so
 * what works on one photo in the editor works on a hundred here. The browser profile lives in
 * the output folder: its cache skips finished work and its journal resumes paid generations.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { batchEstimate, findBatchSlot, itemDocument, resultNodes, type BatchSlot } from '../batch/batch';
import { fileExtension, type AssetRef, type WorkflowDocument } from '../engine';
import { readWorkflowFile } from '../editor/workflow-files';
import { createRegistry } from '../nodes';
import { DEFAULT_COMFYUI_SERVER, normalizeComfyuiAddress, serverList } from '../providers/comfyui/server-address';
import { providerSettingsSchema } from '../providers/settings';
import type { AppServerOptions } from '../server/app-server';
import { KEY_VARIABLES, type RunArgs } from './args';
import { found, launchWithProfile } from './chromium';
import { readJob, writeJob, type Job, type JobItem } from './job';
import { ProgressView } from './progress';
import { serveApp } from './serve-app';

const ROOT = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
/**
 * The origin the app runs at in the CLI's browser, whatever port serves it: storage belongs to
 * an origin, so a fixed one is what lets the next run find the cache and the journal. Chromium
 * treats *.localhost as a secure context, which WebCodecs and WebGPU need.
 */
const APP_ORIGIN = 'http://stillmotion.localhost';
const PHOTO_TYPES: Readonly<Record<string, string>> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.webp': 'image/webp', '.avif': 'image/avif', '.gif': 'image/gif' };

export const EXIT = { ok: 0, failed: 1, usage: 2, workflow: 3, refused: 4 } as const;

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
    if (error instanceof CliError) {
      io.err.write(`stillmotion: ${error.message}\n`);
      return error.code;
    }
    throw error;
  }
}

async function execute(args: RunArgs, io: Io): Promise<number> {
  const registry = createRegistry();
  const { document, hash } = await readWorkflow(args.workflow, registry);
  const slot = findBatchSlot(document, registry);
  if ('error' in slot) throw new CliError(`${args.workflow}: ${slot.error}`, EXIT.workflow);
  const photos = listPhotos(args.input);
  const comfyuiServers = comfyuiServersOf(document);
  const settings = readSettings(args, comfyuiServers);
  const upstreams = upstreamsOf(args);

  const estimate = batchEstimate(document, registry, slot, photos.length);
  io.out.write(`${document.name}: ${photos.length} photo${photos.length === 1 ? '' : 's'} from ${args.input} into ${args.out}\n`);
  for (const line of estimate.lines) io.out.write(`  ${line.title} (${line.nodeId}): $${line.usd.toFixed(2)} x ${line.times}${line.assumed ? ' (price partly assumed)' : ''}\n    ${line.basis}\n`);
  io.out.write(`Estimated cost: $${estimate.totalUsd.toFixed(2)}${estimate.lines.length === 0 ? ' (nothing in this workflow is paid)' : ''}; results already made are not paid again.\n`);
  if (comfyuiServers.length > 0) io.out.write(`ComfyUI servers this workflow uses, reached through the Stillmotion server: ${comfyuiServers.join(', ')}\n`);
  if (args.dryRun) return EXIT.ok;
  if (args.maxCostUsd !== undefined && estimate.totalUsd > args.maxCostUsd) {
    throw new CliError(`the estimate ($${estimate.totalUsd.toFixed(2)}) is above --max-cost $${args.maxCostUsd.toFixed(2)}; nothing was sent`, EXIT.refused);
  }

  const state = join(args.out, '.stillmotion');
  mkdirSync(state, { recursive: true });
  const jobPath = join(state, 'job.json');
  const earlier = readJob(jobPath, hash);
  const job: Job = {
    format: 'stillmotion.job',
    version: 1,
    workflowHash: hash,
    items: photos.map((p) => earlier?.items.find((i) => i.input === p && i.status === 'done' && i.outputs.every(existsSync)) ?? { input: p, status: 'pending', outputs: [] }),
  };
  const todo = job.items.map((item, index) => ({ item, index })).filter(({ item }) => item.status !== 'done');
  if (earlier) io.out.write(`Resuming: ${job.items.length - todo.length} of ${job.items.length} photos were finished earlier.\n`);
  writeJob(jobPath, job);

  const titles = Object.fromEntries(document.nodes.map((n) => [n.id, n.title ?? registry.get(n.type)?.title ?? n.type]));
  if (todo.length > 0) await runItems(args, io, { document, slot, settings, upstreams, job, jobPath, todo, profile: join(state, 'profile'), titles });
  const counts = { done: job.items.filter((i) => i.status === 'done').length, failed: job.items.filter((i) => i.status === 'failed').length };
  writeFileSync(join(args.out, 'summary.json'), `${JSON.stringify({ workflow: resolve(args.workflow), name: document.name, estimatedCostUsd: estimate.totalUsd, counts, items: job.items }, null, 2)}\n`);
  io.out.write(`${counts.done} done, ${counts.failed} failed of ${job.items.length}; summary in ${join(args.out, 'summary.json')}\n`);
  return counts.failed > 0 ? EXIT.failed : EXIT.ok;
}

async function readWorkflow(path: string, registry: ReturnType<typeof createRegistry>): Promise<{ document: WorkflowDocument; hash: string }> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new CliError(`cannot read the workflow file ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`, EXIT.usage);
  }
  const loaded = await readWorkflowFile(new Blob([new Uint8Array(bytes)]), registry);
  if (!loaded.ok) throw new CliError(`${path} is not a workflow this version can run:\n${loaded.errors.map((e) => `  ${e.path || 'file'}: ${e.message}`).join('\n')}`, EXIT.workflow);
  return { document: loaded.document, hash: createHash('sha256').update(bytes).digest('hex') };
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

interface Plan {
  document: WorkflowDocument;
  slot: BatchSlot;
  settings: ReturnType<typeof providerSettingsSchema.parse>;
  upstreams: AppServerOptions['upstreams'];
  job: Job;
  jobPath: string;
  todo: { item: JobItem; index: number }[];
  profile: string;
  /** What each node is called, as the editor names it. */
  titles: Record<string, string>;
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
  const server = await serveApp(ROOT, { publicOrigins: [APP_ORIGIN], upstreams: plan.upstreams, comfyuiServers: plan.settings.comfyuiServers });
  // The fixed origin resolves to the server's port, whichever it is this time.
  const context = await launchWithProfile(plan.profile, [`--host-resolver-rules=MAP ${new URL(APP_ORIGIN).hostname} ${new URL(server.url).host}`]);
  const view = new ProgressView(plan.todo.length, io.out);
  try {
    const page = await context.newPage();
    // tsx names the functions we hand to page.evaluate with a helper the page does not have.
    await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
    await page.route('**/__stillmotion_cli/input/*', (route) => {
      const index = Number(new URL(route.request().url()).pathname.split('/').pop());
      const path = plan.job.items[index]!.input;
      return route.fulfill({ body: readFileSync(path), contentType: PHOTO_TYPES[extname(path).toLowerCase()]! });
    });
    await page.exposeFunction('__stillmotionProgress', (index: number, fraction: number, message: string) => view.update(index, { name: basename(plan.job.items[index]!.input), fraction, message }));
    await page.goto(`${APP_ORIGIN}/`);
    await page.waitForFunction(() => (globalThis as { stillmotion?: unknown }).stillmotion !== undefined);
    await configure(page, io.env, plan.settings);
    const refs = await page.evaluate(async (count) => {
      const { engine } = (globalThis as any).stillmotion;
      const refs = [];
      for (let i = 0; i < count; i++) refs.push(await engine.putAsset(await (await fetch(`/__stillmotion_cli/input/${i}`)).blob(), String(i)));
      return refs;
    }, plan.job.items.length);
    const files: AssetRef[] = refs.map((ref: AssetRef, i: number) => ({ ...ref, name: basename(plan.job.items[i]!.input) }));

    const queue = [...plan.todo];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const started = Date.now();
        const outcome = await runItem(page, itemDocument(plan.document, plan.slot, files, next.index), next.index, plan.titles);
        const item = writeOutputs(args.out, next.item.input, outcome);
        plan.job.items[next.index] = { ...item, seconds: Math.round((Date.now() - started) / 100) / 10 };
        writeJob(plan.jobPath, plan.job);
        view.finish(next.index, `${item.status === 'done' ? 'done  ' : 'FAILED'} ${basename(item.input)}${item.error ? `: ${item.error}` : ''}`);
      }
    };
    await Promise.all(Array.from({ length: Math.min(args.concurrency, queue.length) }, worker));
  } finally {
    view.close();
    await context.close().catch(() => undefined);
    await server.close();
  }
}

/** Keys from the environment and the provider settings, where the app keeps them. */
async function configure(page: Page, env: NodeJS.ProcessEnv, settings: Plan['settings']): Promise<void> {
  const keys = Object.entries(KEY_VARIABLES).flatMap(([provider, names]) => {
    const apiKey = env[names.apiKey];
    const secretKey = names.secretKey ? env[names.secretKey] : undefined;
    return apiKey ? [{ provider, apiKey, ...(secretKey ? { secretKey } : {}) }] : [];
  });
  await page.evaluate(
    async ({ keys, settings }) => {
      const { db } = (globalThis as any).stillmotion.session;
      for (const key of keys) await db.put('secrets', { ...key, savedAt: Date.now() });
      await db.put('settings', settings, 'providers');
    },
    { keys, settings },
  );
}

interface ItemOutcome {
  failed: string[];
  media: { nodeId: string; mime: string; data: string }[];
}

/** One photo's run in the app's engine, its progress reported, its results' bytes brought back. */
function runItem(page: Page, document: WorkflowDocument, index: number, titles: Record<string, string>): Promise<ItemOutcome> {
  return page.evaluate(
    async ({ document, index, results, titles }) => {
      const { engine } = (globalThis as any).stillmotion;
      const report = (globalThis as any).__stillmotionProgress as (i: number, f: number, m: string) => void;
      const title = (id: string) => titles[id] ?? id;
      const fractions = new Map<string, number>();
      const onEvents = (events: any[]) => {
        let message = '';
        for (const e of events) {
          if (e.type !== 'node') continue;
          fractions.set(e.nodeId, e.state === 'running' ? (e.fraction ?? 0) : e.state === 'queued' ? 0 : 1);
          if (e.state === 'running') message = `${title(e.nodeId)}${e.message ? `: ${e.message}` : ''}`;
        }
        const total = document.nodes.length;
        if (message) report(index, [...fractions.values()].reduce((a, b) => a + b, 0) / total, message);
      };
      const summary = await engine.run(document, { onEvents }).done;
      const base64 = async (blob: Blob) => {
        const bytes = new Uint8Array(await blob.arrayBuffer());
        let text = '';
        for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        return btoa(text);
      };
      const failed = Object.entries<any>(summary.nodes)
        .filter(([, r]) => r.state === 'failed' && r.cause !== 'upstream')
        .map(([id, r]) => `${title(id)} (${id}): ${r.error}`);
      if (summary.error) failed.push(summary.error);
      const media = [];
      for (const id of results) {
        for (const value of Object.values<any>(summary.nodes[id]?.outputs ?? {})) {
          if (value && typeof value === 'object' && 'blob' in value) media.push({ nodeId: id, mime: value.mime, data: await base64(value.blob) });
        }
      }
      return { failed, media };
    },
    { document, index, results: resultNodes(document), titles },
  );
}

function writeOutputs(out: string, input: string, outcome: ItemOutcome): JobItem {
  const stem = basename(input, extname(input));
  const outputs = outcome.media.map(({ nodeId, mime, data }, i, all) => {
    const repeated = all.filter((m) => m.nodeId === nodeId).length > 1;
    const path = join(out, `${stem}.${nodeId}${repeated ? `-${i}` : ''}.${fileExtension(mime) ?? 'bin'}`);
    writeFileSync(path, Buffer.from(data, 'base64'));
    return path;
  });
  return outcome.failed.length > 0 ? { input, status: 'failed', outputs, error: outcome.failed.join('; ') } : { input, status: 'done', outputs };
}
