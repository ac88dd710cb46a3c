/** Short messages to the user (a refused wire, a failed paste), shown briefly at the canvas edge. */
import { useSyncExternalStore } from 'react';

export interface Hint {
  id: number;
  text: string;
  level: 'info' | 'error';
}

const HINT_MS = 4000;
let hints: Hint[] = [];
let next = 1;
const listeners = new Set<() => void>();

function publish(list: Hint[]) {
  hints = list;
  for (const listener of listeners) listener();
}

export function showHint(text: string, level: Hint['level'] = 'info'): void {
  const hint = { id: next++, text, level };
  publish([...hints.slice(-3), hint]);
  setTimeout(() => publish(hints.filter((h) => h !== hint)), HINT_MS);
}

export function useHints(): Hint[] {
  return useSyncExternalStore(
    (notify) => {
      listeners.add(notify);
      return () => listeners.delete(notify);
    },
    () => hints,
  );
}
