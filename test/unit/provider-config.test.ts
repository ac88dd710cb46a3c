/**
 * The page's provider settings: keys are written (both of a pair), listed by provider only, and
 * removed; settings edits keep what another tab saved; an endpoint must be a web address.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { endpointSchema, ProviderConfig } from '../../src/editor/provider-config';
import { PROVIDER_SETTINGS } from '../../src/providers/settings';
import { IdbSecrets, openStillmotionDb } from '../../src/storage';

let n = 0;
const open = () => openStillmotionDb(`provider-config-${n++}`);

describe('provider settings on the page', () => {
  it('saves a key pair, says which providers have a key, and removes one', async () => {
    const db = await open();
    const config = new ProviderConfig(db);
    await config.load();
    expect([...config.state.configured]).toEqual([]);
    await config.saveKey('kling', { apiKey: 'access', secretKey: 'secret' });
    await config.saveKey('fal', { apiKey: 'k' });
    expect([...config.state.configured].sort()).toEqual(['fal', 'kling']);
    expect(await new IdbSecrets(db).credentials('kling')).toEqual({ apiKey: 'access', secretKey: 'secret' });
    await config.removeKey('kling');
    expect([...config.state.configured]).toEqual(['fal']);
    expect(await new IdbSecrets(db).credentials('kling')).toBeUndefined();
  });

  it('edits settings on what is stored, keeping another tab’s change', async () => {
    const db = await open();
    const config = new ProviderConfig(db);
    await config.load();
    await db.put('settings', { confirmAboveUsd: 7, endpoints: {}, timing: { pollMs: 50, maxPollMs: 100, requestTimeoutMs: 1000, deadlineMs: 5000 } }, PROVIDER_SETTINGS);
    await config.updateSettings((s) => ({ ...s, endpoints: { fal: 'http://127.0.0.1:9/proxy' } }));
    expect(await db.get('settings', PROVIDER_SETTINGS)).toMatchObject({ confirmAboveUsd: 7, endpoints: { fal: 'http://127.0.0.1:9/proxy' }, timing: { pollMs: 50 } });
    expect(config.state.settings.confirmAboveUsd).toBe(7);
  });

  it('refuses settings the schema does not allow, writing nothing', async () => {
    const db = await open();
    const config = new ProviderConfig(db);
    await expect(config.updateSettings((s) => ({ ...s, confirmAboveUsd: -1 }))).rejects.toThrow();
    expect(await db.get('settings', PROVIDER_SETTINGS)).toBeUndefined();
  });

  it('takes only http(s) addresses as endpoints', () => {
    expect(endpointSchema.safeParse('https://proxy.example/fal').success).toBe(true);
    expect(endpointSchema.safeParse('http://127.0.0.1:8080').success).toBe(true);
    for (const bad of ['javascript:alert(1)', 'file:///etc/passwd', 'queue.fal.run', '']) expect(endpointSchema.safeParse(bad).success).toBe(false);
  });
});
