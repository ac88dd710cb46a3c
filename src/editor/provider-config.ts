/**
 * The page's side of provider keys and settings: it writes keys (never reads them back), knows
 * which providers have one, and reads and writes the provider settings record. Kept in the
 * database's own stores, never in a workflow.
 */
import { z } from 'zod';
import type { Credentials, JsonValue } from '../engine';
import { providerSettingsSchema, PROVIDER_SETTINGS, readProviderSettings, type ProviderSettings } from '../providers/settings';
import { IdbSecrets, type StillmotionDb } from '../storage';

export interface ProviderConfigState {
  settings: ProviderSettings;
  /** Providers with a saved key. */
  configured: ReadonlySet<string>;
}

/** An endpoint override: a URL on http(s), of which only the origin and path are used. */
export const endpointSchema = z.url({ protocol: /^https?$/, error: 'expected a web address starting with https:// (or http:// for a local proxy)' });

export class ProviderConfig {
  readonly #secrets: IdbSecrets;
  readonly #listeners = new Set<() => void>();
  #state: ProviderConfigState = { settings: readProviderSettings(undefined), configured: new Set() };

  constructor(private readonly db: StillmotionDb) {
    this.#secrets = new IdbSecrets(db);
  }

  get state(): ProviderConfigState {
    return this.#state;
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Reads what is stored (another tab may have changed it). */
  async load(): Promise<void> {
    const [saved, configured] = await Promise.all([this.db.get('settings', PROVIDER_SETTINGS), this.#secrets.configured()]);
    this.#set({ settings: readProviderSettings(saved), configured: new Set(configured) });
  }

  async saveKey(provider: string, credentials: Credentials): Promise<void> {
    await this.#secrets.save(provider, credentials);
    this.#set({ ...this.#state, configured: new Set([...this.#state.configured, provider]) });
  }

  async removeKey(provider: string): Promise<void> {
    await this.#secrets.remove(provider);
    this.#set({ ...this.#state, configured: new Set([...this.#state.configured].filter((p) => p !== provider)) });
  }

  /** Applies `edit` to the stored settings (read afresh, so another tab's change is kept). */
  async updateSettings(edit: (settings: ProviderSettings) => ProviderSettings): Promise<void> {
    const next = providerSettingsSchema.parse(edit(readProviderSettings(await this.db.get('settings', PROVIDER_SETTINGS))));
    await this.db.put('settings', next as JsonValue, PROVIDER_SETTINGS);
    this.#set({ ...this.#state, settings: next });
  }

  #set(state: ProviderConfigState): void {
    this.#state = state;
    for (const listener of this.#listeners) listener();
  }
}
