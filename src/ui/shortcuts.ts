/** Keyboard shortcuts: one table, read by the key handler and by the help panel alike. */

export type ShortcutAction =
  | 'run'
  | 'runSelected'
  | 'deselect'
  | 'undo'
  | 'redo'
  | 'duplicate'
  | 'bypass'
  | 'frame'
  | 'menu'
  | 'delete'
  | 'selectAll'
  | 'palette'
  | 'fitView'
  | 'help';

export interface Shortcut {
  action: ShortcutAction;
  /** As shown to people. */
  keys: string[];
  label: string;
  matches: (e: KeyboardEvent) => boolean;
}

const mod = (e: KeyboardEvent) => e.ctrlKey || e.metaKey;
const key = (e: KeyboardEvent, k: string) => e.key.toLowerCase() === k;

export const SHORTCUTS: readonly Shortcut[] = [
  { action: 'run', keys: ['Ctrl+Enter'], label: 'Run the whole graph', matches: (e) => mod(e) && !e.shiftKey && e.key === 'Enter' },
  { action: 'runSelected', keys: ['Ctrl+Shift+Enter'], label: 'Run the selected nodes and what they need', matches: (e) => mod(e) && e.shiftKey && e.key === 'Enter' },
  // Never Cancel: a stray Escape must not stop paid work. Cancel is the toolbar's button.
  { action: 'deselect', keys: ['Escape'], label: 'Clear the selection, or close the open panel or dialog (never cancels a run)', matches: (e) => e.key === 'Escape' },
  { action: 'undo', keys: ['Ctrl+Z'], label: 'Undo', matches: (e) => mod(e) && !e.shiftKey && key(e, 'z') },
  { action: 'redo', keys: ['Ctrl+Shift+Z', 'Ctrl+Y'], label: 'Redo', matches: (e) => mod(e) && ((e.shiftKey && key(e, 'z')) || key(e, 'y')) },
  { action: 'duplicate', keys: ['Ctrl+D'], label: 'Duplicate the selection beside it, keeping the wires into it', matches: (e) => mod(e) && key(e, 'd') },
  { action: 'bypass', keys: ['Ctrl+B'], label: 'Bypass the selection (its input passes through), or take the bypass off', matches: (e) => mod(e) && !e.shiftKey && key(e, 'b') },
  { action: 'frame', keys: ['Ctrl+G'], label: 'Put a titled frame around the selection', matches: (e) => mod(e) && !e.shiftKey && key(e, 'g') },
  { action: 'menu', keys: ['Shift+F10', 'Menu'], label: 'Open the menu of the selection, or of the canvas', matches: (e) => (e.shiftKey && e.key === 'F10') || e.key === 'ContextMenu' },
  { action: 'delete', keys: ['Delete', 'Backspace'], label: 'Delete the selection', matches: (e) => (e.key === 'Delete' || e.key === 'Backspace') && !mod(e) },
  { action: 'selectAll', keys: ['Ctrl+A'], label: 'Select every node', matches: (e) => mod(e) && key(e, 'a') },
  { action: 'palette', keys: ['Double-click', 'Tab', 'Shift+A'], label: 'Add a node (search the palette)', matches: (e) => (e.key === 'Tab' && !mod(e)) || (e.shiftKey && key(e, 'a') && !mod(e)) },
  { action: 'fitView', keys: ['F'], label: 'Fit the graph in view', matches: (e) => key(e, 'f') && !mod(e) && !e.shiftKey },
  { action: 'help', keys: ['?'], label: 'Show these shortcuts', matches: (e) => e.key === '?' },
];

/** Keys that React Flow or the browser handle themselves, listed for the help panel only. */
export const GESTURES: readonly { keys: string[]; label: string }[] = [
  { keys: ['Ctrl+C', 'Ctrl+X', 'Ctrl+V'], label: 'Copy, cut, paste nodes (also between tabs)' },
  { keys: ['Ctrl+Shift+V'], label: 'Paste, keeping the wires into the copied nodes' },
  { keys: ['Right-click'], label: 'Menu of a node (run, bypass, duplicate, delete, colour), a frame, or the canvas (add, paste)' },
  { keys: ['Shift+drag'], label: 'Box select' },
  { keys: ['Ctrl+click'], label: 'Add to the selection' },
  { keys: ['Drag a port into empty space'], label: 'Add a node already wired to it' },
  { keys: ['Scroll', 'Drag the background'], label: 'Zoom, pan' },
];

export function shortcutFor(e: KeyboardEvent): ShortcutAction | undefined {
  return SHORTCUTS.find((s) => s.matches(e))?.action;
}

/** Whether a key press belongs to a text field rather than to the canvas. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}
