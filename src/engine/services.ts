/**
 * What a node may use beyond its inputs: the file store, the journal of paid work, the user's
 * provider keys and settings. The worker backs these with IndexedDB; tests and the CLI with memory.
 * They are services, not inputs: nothing here enters a cache key.
 */
import { MemoryAssets, type AssetStore } from './assets';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * Where a piece of paid work stands. `submitting` is written before the request leaves, so a
 * crash between sending and hearing back is known: such an entry becomes `unconfirmed`, never
 * silently re-sent. A task the provider has not answered about for a long time (or no longer
 * knows) becomes `unknown`: it is not resumed any more, and nothing re-sends it until the user
 * decides (Generations: abandon it, or resubmit it after the cost question), which makes it
 * `abandoned`.
 */
export type JournalStatus = 'submitting' | 'submitted' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'unconfirmed' | 'unknown' | 'abandoned';

/** One generation handed to a provider, kept so a reload resumes it instead of paying twice. */
export interface JournalEntry {
  id: string;
  /** The cache key of the node run that asked for it: equal work finds its entry again. */
  nodeKey: string;
  /** The node that asked, for the user's benefit (the key is what matches). */
  nodeId: string;
  provider: string;
  model: string;
  /** The provider's id for the task; null until the provider has accepted it. */
  providerTaskId: string | null;
  status: JournalStatus;
  submittedAt: number;
  updatedAt: number;
  /** What was asked, without keys or image bytes: shown to the user, never re-sent. */
  request: JsonValue;
  /** Adapter state needed to poll or fetch the result (a status URL, a file id). */
  data?: JsonValue;
  /** The estimate at submit time, in US dollars. */
  costUsd?: number;
  /** The result in the asset store, once downloaded. */
  assetHash?: string;
  error?: string;
  /** A failure the provider's content rules decided (moderation), not a fault. */
  moderated?: boolean;
  /** What the provider says about billing this outcome, where it says (fal: a 5xx failure is not billed). */
  billed?: boolean;
  /** Consecutive failed polls, across runs: when they began, how many, the last one's words. */
  unreachable?: { since: number; failures: number; last: string };
}

export interface TaskJournal {
  /** Entries for one node run, newest first. */
  forKey(nodeKey: string): Promise<JournalEntry[]>;
  put(entry: JournalEntry): Promise<void>;
  list(): Promise<JournalEntry[]>;
}

/** A provider's credentials as the user saved them; `secretKey` only where a provider needs two. */
export interface Credentials {
  apiKey: string;
  secretKey?: string;
}

export interface SecretSource {
  credentials(provider: string): Promise<Credentials | undefined>;
}

export interface SettingsSource {
  get(name: string): Promise<unknown>;
}

export interface NodeServices {
  assets: AssetStore;
  journal: TaskJournal;
  secrets: SecretSource;
  settings: SettingsSource;
}

export class MemoryJournal implements TaskJournal {
  readonly entries = new Map<string, JournalEntry>();

  async forKey(nodeKey: string): Promise<JournalEntry[]> {
    return (await this.list()).filter((e) => e.nodeKey === nodeKey);
  }

  async put(entry: JournalEntry): Promise<void> {
    this.entries.set(entry.id, structuredClone(entry));
  }

  async list(): Promise<JournalEntry[]> {
    return [...this.entries.values()].map((e) => structuredClone(e)).sort((a, b) => b.submittedAt - a.submittedAt);
  }
}

/** What memoryServices is given: services to use as they are, or plain values to serve. */
export interface MemoryServiceOptions extends Partial<Omit<NodeServices, 'settings'>> {
  credentials?: Readonly<Record<string, Credentials>>;
  settings?: Readonly<Record<string, unknown>>;
}

/** Services held in memory: for tests, and for a session whose storage could not be opened. */
export function memoryServices({ credentials = {}, settings = {}, ...services }: MemoryServiceOptions = {}): NodeServices {
  return {
    assets: new MemoryAssets(),
    journal: new MemoryJournal(),
    secrets: { credentials: async (provider) => (Object.hasOwn(credentials, provider) ? credentials[provider] : undefined) },
    settings: { get: async (name) => (Object.hasOwn(settings, name) ? settings[name] : undefined) },
    ...services,
  };
}

/**
 * The services one node run is given: files always, the rest only as its definition declares,
 * and of the keys only those of the providers its params send to. A call outside that is refused,
 * naming the node, so a node cannot read a key by mistake or by design.
 */
export function servicesFor(title: string, needs: { journal?: boolean; settings?: boolean; providers: readonly string[] }, all: NodeServices): NodeServices {
  const refuse = (what: string) => () => Promise.reject(new Error(`${title} used ${what}, which its definition does not declare`));
  const allowed = new Set(needs.providers);
  return {
    assets: all.assets,
    journal: needs.journal ? all.journal : { forKey: refuse('the journal'), put: refuse('the journal'), list: refuse('the journal') },
    settings: needs.settings ? all.settings : { get: refuse('the settings') },
    secrets: { credentials: (provider) => (allowed.has(provider) ? all.secrets.credentials(provider) : refuse(`the ${provider} key`)()) },
  };
}
