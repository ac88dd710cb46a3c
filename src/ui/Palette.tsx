/**
 * The node palette: type to search every node type by name, category or purpose; arrows and
 * Enter to pick. Opened from a dragged wire, it lists only the nodes that can take that wire.
 */
import { useMemo, useState } from 'react';
import { canConnect, CATEGORIES, type AnyNodeDefinition, type PortType } from '../engine';
import { useServices } from './services';

export interface PaletteRequest {
  /** Where the palette appears, in screen pixels relative to the canvas. */
  screen: { x: number; y: number };
  /** Only nodes with a port that can take this type, on this side. */
  accepts?: { type: PortType; side: 'output' | 'input' };
}

interface Props {
  request: PaletteRequest;
  onPick: (definition: AnyNodeDefinition) => void;
  onClose: () => void;
}

export function Palette({ request, onPick, onClose }: Props) {
  const { registry } = useServices();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const matches = useMemo(() => search(registry.list(), query, request.accepts), [registry, query, request.accepts]);
  const chosen = matches[Math.min(active, matches.length - 1)];

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === 'ArrowDown') setActive((a) => Math.min(a + 1, matches.length - 1));
    else if (e.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0));
    else if (e.key === 'Enter' && chosen) onPick(chosen);
    else if (e.key === 'Escape') onClose();
    else return;
    e.preventDefault();
    e.stopPropagation();
  };

  return (
    <div className="palette" style={{ left: request.screen.x, top: request.screen.y }} role="dialog" aria-label="Add a node" onKeyDown={onKeyDown}>
      <input
        autoFocus
        className="palette-search"
        placeholder={request.accepts ? `Nodes that take ${request.accepts.type}…` : 'Search nodes…'}
        aria-label="Search nodes"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onBlur={(e) => !e.currentTarget.parentElement?.contains(e.relatedTarget) && onClose()}
      />
      <ul role="listbox">
        {matches.length === 0 ? <li className="palette-empty">No node matches</li> : null}
        {matches.map((definition) => (
          <li
            key={definition.type}
            role="option"
            aria-selected={definition === chosen}
            className={definition === chosen ? 'active' : ''}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => onPick(definition)}
            onMouseEnter={() => setActive(matches.indexOf(definition))}
          >
            <span className="palette-title">{definition.title}</span>
            <span className="palette-category">{definition.category}</span>
            <span className="palette-description">{definition.description}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Ranks by where the query appears: title start, title, then category or description. */
function search(definitions: AnyNodeDefinition[], query: string, accepts: PaletteRequest['accepts']): AnyNodeDefinition[] {
  const q = query.trim().toLowerCase();
  const fits = accepts ? definitions.filter((d) => takes(d, accepts)) : definitions;
  const scored = fits.flatMap((d) => {
    const title = d.title.toLowerCase();
    const score = q === '' ? 0 : title.startsWith(q) ? 0 : title.includes(q) ? 1 : `${d.category} ${d.description} ${d.type}`.toLowerCase().includes(q) ? 2 : -1;
    return score < 0 ? [] : [{ d, score }];
  });
  // A category of a node added later (not one that ships) comes after those that do.
  const order = (d: AnyNodeDefinition) => ((CATEGORIES as readonly string[]).includes(d.category) ? (CATEGORIES as readonly string[]).indexOf(d.category) : CATEGORIES.length);
  return scored.sort((a, b) => a.score - b.score || order(a.d) - order(b.d) || a.d.title.localeCompare(b.d.title)).map((s) => s.d);
}

function takes(definition: AnyNodeDefinition, accepts: NonNullable<PaletteRequest['accepts']>): boolean {
  if (accepts.side === 'output') return Object.values(definition.inputs).some((i) => canConnect(accepts.type, i.type).ok);
  return Object.values(definition.outputs).some((o) => canConnect(o.type, accepts.type).ok);
}
