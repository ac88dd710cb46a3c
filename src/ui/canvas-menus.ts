/**
 * What the right-click menus offer. Each item does what its shortcut does, through the same
 * action, so a menu and a key can never differ (Run goes through the cost question either way).
 */
import { bypassRefusal, MARK_COLOURS, type MarkColour, type NodeRegistry, type WorkflowNode } from '../engine';
import type { MenuItem } from './ContextMenu';
import { MARK_HEX } from './mark-colours';
import type { ShortcutAction } from './shortcuts';

interface Actions {
  perform: (action: ShortcutAction) => void;
  colour: (colour: MarkColour | undefined) => void;
}

/** The menu of the selected nodes (a right-click on a node selects it first, unless it is in the selection). */
export function nodeMenu(nodes: readonly WorkflowNode[], registry: NodeRegistry, { perform, colour }: Actions): MenuItem[] {
  const several = nodes.length > 1;
  const bypass = bypassItem(nodes, registry);
  return [
    { label: several ? `Run these ${nodes.length} nodes` : 'Run this node', shortcut: 'Ctrl+Shift+Enter', run: () => perform('runSelected') },
    { ...bypass, shortcut: 'Ctrl+B', run: () => perform('bypass') },
    { label: 'Duplicate', shortcut: 'Ctrl+D', run: () => perform('duplicate') },
    { label: 'Put in a frame', shortcut: 'Ctrl+G', run: () => perform('frame') },
    { label: 'Delete', shortcut: 'Delete', run: () => perform('delete') },
    ...swatches(colour),
  ];
}

/** The menu of a frame: its colour, and deleting it (the nodes inside stay). */
export function frameMenu({ colour, remove }: { colour: Actions['colour']; remove: () => void }): MenuItem[] {
  return [{ label: 'Delete frame (keeps its nodes)', run: remove }, ...swatches(colour)];
}

/** The menu of the empty canvas, at the point clicked. */
export function canvasMenu({ add, paste, fitView }: { add: () => void; paste: (withInputs: boolean) => void; fitView: () => void }): MenuItem[] {
  return [
    { label: 'Add node…', shortcut: 'Tab', run: add },
    { label: 'Paste', shortcut: 'Ctrl+V', run: () => paste(false) },
    { label: 'Paste with wires', shortcut: 'Ctrl+Shift+V', run: () => paste(true) },
    { label: 'Fit the graph in view', shortcut: 'F', run: fitView },
  ];
}

/** Bypass, or take it off when every node is bypassed; greyed, with the reason, when none can be. */
function bypassItem(nodes: readonly WorkflowNode[], registry: NodeRegistry): Pick<MenuItem, 'label' | 'disabled'> {
  if (nodes.length > 0 && nodes.every((n) => n.bypassed)) return { label: 'Remove bypass' };
  const reasons = nodes.map((n) => {
    const definition = registry.get(n.type);
    return definition ? bypassRefusal(definition) : `"${n.type}" is not a node type this version has`;
  });
  if (reasons.every((r) => r !== undefined)) return { label: 'Bypass', disabled: `Cannot be bypassed: ${reasons[0]}` };
  return { label: 'Bypass' };
}

function swatches(colour: Actions['colour']): MenuItem[] {
  const named = (c: MarkColour) => `Colour: ${c}`;
  return [...MARK_COLOURS.map((c): MenuItem => ({ label: named(c), swatch: MARK_HEX[c], run: () => colour(c) })), { label: 'No colour', swatch: 'transparent', run: () => colour(undefined) }];
}
