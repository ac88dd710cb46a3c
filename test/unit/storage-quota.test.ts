import { afterEach, describe, expect, it, vi } from 'vitest';
import { requestPersistence, storageEstimate } from '../../src/storage';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('storage quota helpers', () => {
  it('report nothing where the API is missing', async () => {
    vi.stubGlobal('navigator', undefined);
    expect(await storageEstimate()).toBeUndefined();
    expect(await requestPersistence()).toBe(false);
    vi.stubGlobal('navigator', { storage: {} });
    expect(await storageEstimate()).toBeUndefined();
    expect(await requestPersistence()).toBe(false);
  });

  it('pass on what the browser says', async () => {
    vi.stubGlobal('navigator', { storage: { estimate: async () => ({ usage: 10, quota: 100 }), persist: async () => true } });
    expect(await storageEstimate()).toEqual({ usage: 10, quota: 100 });
    expect(await requestPersistence()).toBe(true);
  });
});
