/**
 * What a ComfyUI server says about itself: its version and devices (`GET system_stats`), how
 * much work it has (`GET queue`) and which models it has installed (`GET object_info`, the
 * loaders' lists of files). Settings' "Test" shows it, and a pool of servers chooses by it.
 */
import { z } from 'zod';
import type { Connection } from '../connection';
import { ProviderHttp } from '../http';
import type { ApiWorkflow } from './template';

const stats = z.object({
  system: z.object({ comfyui_version: z.string().optional(), os: z.string().optional() }).loose(),
  devices: z.array(z.object({ name: z.string(), type: z.string(), vram_total: z.number().optional(), vram_free: z.number().optional() }).loose()).default([]),
});
const queue = z.object({ queue_running: z.array(z.unknown()), queue_pending: z.array(z.unknown()) });
/** A combo input: `[[...values], {...}]` in most nodes, `["COMBO", {options: [...]}]` in newer ones. */
const combo = z.union([z.tuple([z.array(z.string())]).rest(z.unknown()), z.tuple([z.literal('COMBO'), z.object({ options: z.array(z.string()) }).loose()])]);
const loaderInfo = z.object({ input: z.object({ required: z.record(z.string(), z.unknown()).default({}) }).loose() }).loose();

/** Loader classes, the input naming their model, and the folder under models/ it lists. */
export const MODEL_LOADERS = {
  UNETLoader: { input: 'unet_name', folder: 'diffusion_models' },
  CLIPLoader: { input: 'clip_name', folder: 'text_encoders' },
  VAELoader: { input: 'vae_name', folder: 'vae' },
} as const;
export type ModelFolder = (typeof MODEL_LOADERS)[keyof typeof MODEL_LOADERS]['folder'];

/** Every loader input a "not in list" may name, and the folder under ComfyUI's models/ it reads (folder_paths). */
export const MODEL_INPUT_FOLDERS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(Object.values(MODEL_LOADERS).map((l) => [l.input, l.folder])),
  ckpt_name: 'checkpoints',
  lora_name: 'loras',
  clip_vision_name: 'clip_vision',
};

export interface ServerInfo {
  version?: string;
  devices: { name: string; type: string; vramTotal?: number; vramFree?: number }[];
  running: number;
  waiting: number;
  models: Record<ModelFolder, string[]>;
}

/** HTTP to one ComfyUI server (no key: a server behind a proxy that wants one is reached through it). */
export function serverHttp(connection: Connection, timeoutMs: number): ProviderHttp {
  return new ProviderHttp({ name: 'ComfyUI', ...connection, authorize: async () => ({}), timeoutMs });
}

/** The queue alone: what a pool asks before each generation. */
export async function queueLength(http: ProviderHttp, signal: AbortSignal): Promise<number> {
  const now = await http.json('GET', 'queue', queue, { signal });
  return now.queue_running.length + now.queue_pending.length;
}

/** Every node type the server has, with its inputs (a loader's list of installed models). */
export function objectInfo(http: ProviderHttp, signal: AbortSignal): Promise<Record<string, unknown>> {
  return http.json('GET', 'object_info', z.record(z.string(), z.unknown()), { signal });
}

/** The installed models a workflow's loaders can name, by folder. */
export async function installedModels(http: ProviderHttp, signal: AbortSignal): Promise<Record<ModelFolder, string[]>> {
  return modelsIn(await objectInfo(http, signal));
}

function modelsIn(info: Record<string, unknown>): Record<ModelFolder, string[]> {
  const listed = (loader: keyof typeof MODEL_LOADERS): string[] => {
    const node = loaderInfo.safeParse(info[loader]);
    const input = node.success ? combo.safeParse(node.data.input.required[MODEL_LOADERS[loader].input]) : undefined;
    if (!input?.success) return [];
    const [first, second] = input.data;
    return Array.isArray(first) ? first : (second as { options: string[] }).options;
  };
  return { diffusion_models: listed('UNETLoader'), text_encoders: listed('CLIPLoader'), vae: listed('VAELoader') };
}

/** What a server lacks to run `workflow`: node types (custom nodes not installed) and models, each with its folder. */
export function lacks(workflow: ApiWorkflow, info: Record<string, unknown>): string[] {
  const types = [...new Set(Object.values(workflow).map((node) => node.class_type))].filter((type) => !(type in info));
  return [...types.map((type) => `the node type ${type} (a custom node not installed)`), ...missingModels(modelsOf(workflow), modelsIn(info))];
}

/** For each folder a workflow lacks a model in, what that folder holds instead, to pick from in the workflow. */
export function alternatives(workflow: ApiWorkflow, info: Record<string, unknown>): string[] {
  const installed = modelsIn(info);
  const folders = [...new Set(modelsOf(workflow).filter((m) => !installed[m.folder].includes(m.name)).map((m) => m.folder))];
  return folders.map((folder) => {
    const held = installed[folder];
    return held.length === 0 ? `models/${folder} is empty` : `models/${folder} holds ${held.slice(0, 8).join(', ')}${held.length > 8 ? ` and ${held.length - 8} more` : ''}`;
  });
}

export async function serverInfo(http: ProviderHttp, signal: AbortSignal): Promise<ServerInfo> {
  const [system, now, models] = await Promise.all([http.json('GET', 'system_stats', stats, { signal }), http.json('GET', 'queue', queue, { signal }), installedModels(http, signal)]);
  return {
    ...(system.system.comfyui_version ? { version: system.system.comfyui_version } : {}),
    devices: system.devices.map((d) => ({ name: d.name, type: d.type, ...(d.vram_total === undefined ? {} : { vramTotal: d.vram_total }), ...(d.vram_free === undefined ? {} : { vramFree: d.vram_free }) })),
    running: now.queue_running.length,
    waiting: now.queue_pending.length,
    models,
  };
}

/** One line for Settings: "ComfyUI 0.3.68 · cpu, 20.0 of 32.0 GiB free · 1 running, 2 waiting · 2 diffusion models, 1 text encoder, 1 VAE". */
export function describeServer(info: ServerInfo): string {
  const gib = (bytes: number) => (bytes / 2 ** 30).toFixed(1);
  const devices = info.devices.map((d) => (d.vramTotal === undefined ? d.name : `${d.name}, ${gib(d.vramFree ?? 0)} of ${gib(d.vramTotal)} GiB free`));
  const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  return [
    `ComfyUI ${info.version ?? '(version not given)'}`,
    devices.length > 0 ? devices.join('; ') : 'no devices listed',
    `${info.running} running, ${info.waiting} waiting`,
    `${count(info.models.diffusion_models.length, 'diffusion model', 'diffusion models')}, ${count(info.models.text_encoders.length, 'text encoder', 'text encoders')}, ${count(info.models.vae.length, 'VAE', 'VAEs')}`,
  ].join(' · ');
}

/** The models a workflow's loaders name, by folder. */
export function modelsOf(workflow: ApiWorkflow): { folder: ModelFolder; name: string }[] {
  return Object.values(workflow).flatMap((node) => {
    const loader = MODEL_LOADERS[node.class_type as keyof typeof MODEL_LOADERS];
    const name = loader ? node.inputs[loader.input] : undefined;
    return loader && typeof name === 'string' ? [{ folder: loader.folder, name }] : [];
  });
}

/** The models of `wanted` a server lacks, each with the folder it belongs in. */
export function missingModels(wanted: { folder: ModelFolder; name: string }[], installed: Record<ModelFolder, string[]>): string[] {
  return wanted.filter((m) => !installed[m.folder].includes(m.name)).map((m) => `${m.name} (models/${m.folder})`);
}
