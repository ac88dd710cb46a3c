/** One generation against a fake server, for tests of what is a provider's own (request shapes, errors). */
import { MemoryAssets, MemoryJournal, type Credentials } from '../../src/engine';
import { runGeneration, type GenerationJob } from '../../src/providers/generation';
import type { ProviderInfo } from '../../src/providers/protocol';
import { direct, FAST_TIMING } from './contract';
import type { FakeProvider } from './kit';

export async function generateWith(server: FakeProvider, provider: ProviderInfo, request: GenerationJob['request'], credentials: Credentials) {
  const journal = new MemoryJournal();
  const run = runGeneration(
    { key: 'k1', nodeId: 'n', signal: new AbortController().signal, progress: () => {}, journal, assets: new MemoryAssets(), secrets: { credentials: async () => credentials } },
    { provider, ...direct(server), model: 'm', timing: FAST_TIMING, request },
  );
  const outcome = await run.then((blob) => ({ blob, error: undefined }), (error: unknown) => ({ blob: undefined, error: error as Error }));
  return { ...outcome, journal: await journal.list() };
}
