/**
 * Provider keys, in their own store: never in a workflow, a bundle, a link or an export. The
 * worker reads them to sign requests; the page only writes them and asks which providers have one.
 */
import type { Credentials, SecretSource, SettingsSource } from '../engine';
import type { StillmotionDb } from './database';

export class IdbSecrets implements SecretSource {
  constructor(private readonly db: StillmotionDb, private readonly now: () => number = Date.now) {}

  async credentials(provider: string): Promise<Credentials | undefined> {
    const record = await this.db.get('secrets', provider);
    if (!record) return undefined;
    return record.secretKey === undefined ? { apiKey: record.apiKey } : { apiKey: record.apiKey, secretKey: record.secretKey };
  }

  async save(provider: string, credentials: Credentials): Promise<void> {
    await this.db.put('secrets', { provider, ...credentials, savedAt: this.now() });
  }

  async remove(provider: string): Promise<void> {
    await this.db.delete('secrets', provider);
  }

  /** Which providers have a key: all the page needs to know. */
  async configured(): Promise<string[]> {
    return (await this.db.getAllKeys('secrets')).map(String);
  }
}

export class IdbSettings implements SettingsSource {
  constructor(private readonly db: StillmotionDb) {}

  get(name: string): Promise<unknown> {
    return this.db.get('settings', name);
  }
}
