/**
 * A right-click menu, reachable by keyboard as menus are (WAI-ARIA menu pattern): the first item
 * takes focus, arrows move, Enter or Space choose, Escape or a click elsewhere closes. An item
 * that cannot be chosen stays listed, greyed, with the reason under it.
 */
import { useEffect, useRef } from 'react';

export interface MenuItem {
  label: string;
  /** The key that does the same, shown beside the label. */
  shortcut?: string;
  /** Why it cannot be chosen now; absent when it can. */
  disabled?: string;
  run: () => void;
  /** A colour swatch: drawn as a small square in a row with the other swatches, its label spoken. */
  swatch?: string;
}

interface Props {
  /** Where the menu opens, in pixels relative to the canvas. */
  at: { x: number; y: number };
  label: string;
  items: readonly MenuItem[];
  onClose: () => void;
}

export function ContextMenu({ at, label, items, onClose }: Props) {
  const menu = useRef<HTMLDivElement>(null);
  useEffect(() => {
    menu.current?.querySelector<HTMLElement>('[role^="menuitem"]:not([aria-disabled="true"])')?.focus();
  }, []);

  const onKeyDown = (e: React.KeyboardEvent) => {
    const entries = [...(menu.current?.querySelectorAll<HTMLElement>('[role^="menuitem"]') ?? [])];
    const at = entries.indexOf(document.activeElement as HTMLElement);
    const focus = (i: number) => entries[(i + entries.length) % entries.length]?.focus();
    if (e.key === 'ArrowDown' || e.key === 'ArrowRight') focus(at + 1);
    else if (e.key === 'ArrowUp' || e.key === 'ArrowLeft') focus(at - 1);
    else if (e.key === 'Home') focus(0);
    else if (e.key === 'End') focus(entries.length - 1);
    else if (e.key === 'Escape' || e.key === 'Tab') onClose();
    else return;
    e.preventDefault();
    e.stopPropagation();
  };

  const choose = (item: MenuItem) => {
    if (item.disabled) return;
    onClose();
    item.run();
  };

  const swatches = items.filter((i) => i.swatch);
  return (
    <div
      ref={menu}
      className="context-menu"
      role="menu"
      aria-label={label}
      style={{ left: at.x, top: at.y }}
      onKeyDown={onKeyDown}
      onBlur={(e) => !menu.current?.contains(e.relatedTarget) && onClose()}
      onContextMenu={(e) => e.preventDefault()}
    >
      {items
        .filter((i) => !i.swatch)
        .map((item) => (
          <Item key={item.label} item={item} className="context-item" onChoose={choose}>
            <span className="context-label">{item.label}</span>
            {item.shortcut ? <kbd>{item.shortcut}</kbd> : null}
            {item.disabled ? <span className="context-why">{item.disabled}</span> : null}
          </Item>
        ))}
      {swatches.length > 0 ? (
        <div className="context-swatches" role="group" aria-label="Colour">
          {swatches.map((item) => (
            <Item key={item.label} item={item} className="context-swatch" style={{ background: item.swatch }} onChoose={choose} />
          ))}
        </div>
      ) : null}
    </div>
  );
}

/** One entry: named by its label alone (its shortcut as aria-keyshortcuts), focusable by the arrows only. */
function Item({ item, className, style, onChoose, children }: { item: MenuItem; className: string; style?: React.CSSProperties; onChoose: (item: MenuItem) => void; children?: React.ReactNode }) {
  return (
    <button
      type="button"
      role="menuitem"
      tabIndex={-1}
      aria-label={item.label}
      aria-keyshortcuts={item.shortcut}
      aria-disabled={item.disabled ? true : undefined}
      title={item.disabled ?? (item.swatch ? item.label : undefined)}
      className={className}
      style={style}
      onClick={() => onChoose(item)}
    >
      {children}
    </button>
  );
}
