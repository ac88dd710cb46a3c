/** The page's provider settings and keys status, one instance per database, read by any component. */
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { ProviderConfig, type ProviderConfigState } from '../editor/provider-config';
import { findRelay, type RelayInfo } from '../providers/relay-route';
import { readProviderSettings } from '../providers/settings';
import type { StillmotionDb } from '../storage';
import { useServices } from './services';

const configs = new WeakMap<StillmotionDb, ProviderConfig>();
const NO_STORAGE: ProviderConfigState = { settings: readProviderSettings(undefined), configured: new Set() };

/** Undefined where the browser's storage could not be opened: keys cannot be kept then. */
export function useProviderConfig(): ProviderConfig | undefined {
  const db = useServices().session?.db;
  let config = db && configs.get(db);
  if (db && !config) {
    configs.set(db, (config = new ProviderConfig(db)));
    void config.load();
  }
  return config;
}

export function useProviderState(config: ProviderConfig | undefined): ProviderConfigState {
  const subscribe = useCallback((notify: () => void) => config?.subscribe(notify) ?? (() => {}), [config]);
  return useSyncExternalStore(subscribe, () => config?.state ?? NO_STORAGE);
}

/** Re-reads the stored settings while a panel is open, as another tab may have changed them. */
export function useFreshProviderState(config: ProviderConfig | undefined): ProviderConfigState {
  useEffect(() => void config?.load(), [config]);
  return useProviderState(config);
}

/** The Stillmotion server's relay, when that server serves this page: null on a static host, undefined while asking. */
export function useRelay(): RelayInfo | null | undefined {
  const [relay, setRelay] = useState<RelayInfo | null>();
  useEffect(() => {
    let live = true;
    void findRelay().then((found) => live && setRelay(found ?? null));
    return () => {
      live = false;
    };
  }, []);
  return relay;
}
