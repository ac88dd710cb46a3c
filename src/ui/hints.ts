/** Short messages to the user (a refused wire, a failed paste), shown briefly at the canvas edge. */
import { useSyncExternalStore } from 'react';

export interface HintAction {
  label: string;
  run: () => void;
}

export interface Hint {
  id: number;
  text: string;
  level: 'info' | 'error';
  action?: HintAction;
}

const HINT_MS = 4000;
/** Long enough to reach for an Undo. */
const ACTION_HINT_MS = 8000;
let hints: Hint[] = [];
let next = 1;
const listeners = new Set<() => void>();

function publish(list: Hint[]) {
  hints = list;
  for (const listener of listeners) listener();
}

export function showHint(text: string, level: Hint['level'] = 'info', action?: HintAction): void {
  const hint: Hint = action ? { id: next++, text, level, action } : { id: next++, text, level };
  publish([...hints.slice(-3), hint]);
  setTimeout(() => dismissHint(hint.id), action ? ACTION_HINT_MS : HINT_MS);
}

/** One hint for all the warnings an import or open had, each by path: `what` then what changed. */
export function showWarnings(what: string, warnings: readonly { path: string; message: string }[]): void {
  if (warnings.length === 0) return;
  showHint(`${what} with ${warnings.length === 1 ? 'a change' : `${warnings.length} changes`}: ${warnings.map((w) => (w.path ? `${w.path}: ${w.message}` : w.message)).join('; ')}`);
}

export function dismissHint(id: number): void {
  publish(hints.filter((h) => h.id !== id));
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
