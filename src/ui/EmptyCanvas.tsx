/**
 * What an empty canvas says: how to add a node, that files can be dropped on it, and where the
 * templates are. It lets every click and drop through to the canvas under it, but its button.
 */
import { SHORTCUTS } from './shortcuts';
import { useDocument } from './services';

const PALETTE_KEYS = SHORTCUTS.find((s) => s.action === 'palette')?.keys.filter((k) => k !== 'Double-click') ?? [];

export function EmptyCanvas({ onTemplates }: { onTemplates: () => void }) {
  // The placeholder shown while the app opens is empty too, and says nothing.
  const empty = useDocument((d) => d.nodes.length === 0 && d.id !== 'opening');
  if (!empty) return null;
  return (
    <div className="empty-canvas" role="note" aria-label="How to start">
      <h2>This workflow is empty</h2>
      <ul>
        <li>
          Double-click the canvas{PALETTE_KEYS.length > 0 ? <>, or press {PALETTE_KEYS.map((k, i) => <span key={k}>{i > 0 ? ' or ' : ''}<kbd>{k}</kbd></span>)}</> : null}, to add a node from the palette.
        </li>
        <li>Drop a photo, a sound, a video or a workflow file here to start from it.</li>
      </ul>
      <button type="button" onClick={onTemplates}>
        Start from a template
      </button>
    </div>
  );
}
