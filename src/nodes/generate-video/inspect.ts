/** Generate video's check of ComfyUI servers: has each the node types and models the workflow needs? Loaded when the editor asks. */
import type { InspectServices } from '../../engine';
import { endpointAt } from '../../providers/catalog/catalog';
import type { Resolution } from '../../providers/catalog/schema';
import { workflowFor } from '../../providers/adapters/comfyui';
import { alternatives, lacks, objectInfo, serverHttp } from '../../providers/comfyui/server-info';
import { serverList } from '../../providers/comfyui/server-address';
import type { ApiWorkflow } from '../../providers/comfyui/template';
import { comfyuiConnection, type Connection } from '../../providers/connection';
import { PROVIDER_SETTINGS, readProviderSettings, type ProviderSettings } from '../../providers/settings';
import { choiceOf } from '.';

/** The params the check reads. */
interface Checked {
  model: string;
  route: string;
  resolution: string;
  template: string;
  server: string;
}

export default async function inspect(params: Checked, { settings, signal }: InspectServices): Promise<Record<string, string>> {
  const choice = choiceOf(params);
  if (params.route !== 'comfyui' || !choice) return {};
  let workflow: ApiWorkflow;
  try {
    workflow = workflowFor({ endpoint: endpointAt(choice.route, params.resolution as Resolution), template: params.template });
  } catch {
    return {}; // constrain's note already says what is wrong with it
  }
  const saved = readProviderSettings(await settings.get(PROVIDER_SETTINGS));
  const lines = await Promise.all(serverList(params.server).map((address) => serverCheck(address, workflow, saved, signal)));
  return { template: lines.join(' ') };
}

/** What each server has, kept a little while: a big install's /object_info is megabytes, and every node on the server asks. */
const OBJECTS_FOR_MS = 30_000;
const objects = new Map<string, { at: number; info: Record<string, unknown> }>();

async function serverObjects(connection: Connection, signal: AbortSignal): Promise<Record<string, unknown>> {
  const kept = objects.get(connection.origin);
  if (kept && Date.now() - kept.at < OBJECTS_FOR_MS) return kept.info;
  const info = await objectInfo(serverHttp(connection, 10_000), signal);
  objects.set(connection.origin, { at: Date.now(), info });
  return info;
}

/** One server's answer to "can you run this workflow?", in a sentence. */
async function serverCheck(address: string, workflow: ApiWorkflow, settings: ProviderSettings, signal: AbortSignal): Promise<string> {
  const connection = await comfyuiConnection(address, settings);
  if ('error' in connection) return `${connection.error}.`;
  try {
    const info = await serverObjects(connection, signal);
    const gaps = lacks(workflow, info);
    const instead = alternatives(workflow, info);
    if (gaps.length === 0) return `ComfyUI at ${connection.origin} has every node type and model it needs.`;
    return `ComfyUI at ${connection.origin} lacks ${gaps.join(', ')}${instead.length > 0 ? ` (${instead.join('; ')})` : ''}.`;
  } catch (error) {
    if (signal.aborted) throw error;
    return `ComfyUI at ${connection.origin} could not be asked (${error instanceof Error ? error.message : String(error)}).`;
  }
}
