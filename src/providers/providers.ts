/**
 * Every provider the app can send work to: its fixed origin (where its key may go), how the key
 * is presented, where a user gets one, and its adapter. Adding a provider is one entry here and
 * one adapter file.
 */
import type { Credentials } from '../engine';
import { falAdapter } from './adapters/fal';
import type { ProviderId } from './catalog/schema';
import type { ProviderAdapter } from './protocol';

export interface ProviderInfo {
  id: ProviderId;
  name: string;
  /** The origin its API lives at; keys are sent here and nowhere else. */
  origin: string;
  /** Where the user gets a key, shown next to the field. */
  keysUrl: string;
  keyLabel: string;
  /** Providers that sign requests with a key pair (Kling) name the second key. */
  secretKeyLabel?: string;
  /** Headers carrying the credentials. */
  authorize(credentials: Credentials): Promise<Record<string, string>> | Record<string, string>;
  adapter: ProviderAdapter;
}

const bearer = ({ apiKey }: Credentials) => ({ Authorization: `Bearer ${apiKey}` });

export const PROVIDERS: Partial<Record<ProviderId, ProviderInfo>> = {
  fal: {
    id: 'fal',
    name: 'fal',
    origin: 'https://queue.fal.run',
    keysUrl: 'https://fal.ai/dashboard/keys',
    keyLabel: 'API key',
    authorize: ({ apiKey }) => ({ Authorization: `Key ${apiKey}` }),
    adapter: falAdapter,
  },
};

export function providerInfo(id: string): ProviderInfo | undefined {
  return Object.hasOwn(PROVIDERS, id) ? PROVIDERS[id as ProviderId] : undefined;
}

export { bearer };
