import { GESTURES, SHORTCUTS } from './shortcuts';

export function HelpPanel({ onClose }: { onClose: () => void }) {
  const rows = [...SHORTCUTS.map((s) => ({ keys: s.keys, label: s.label })), ...GESTURES];
  return (
    <div className="help-backdrop" onClick={onClose}>
      <section className="help-panel" role="dialog" aria-label="Keyboard shortcuts" onClick={(e) => e.stopPropagation()}>
        <header>
          <h2>Keyboard shortcuts</h2>
          <button type="button" onClick={onClose} aria-label="Close">
            Close
          </button>
        </header>
        <table>
          <tbody>
            {rows.map((row) => (
              <tr key={row.label}>
                <td>
                  {row.keys.map((k) => (
                    <kbd key={k}>{k}</kbd>
                  ))}
                </td>
                <td>{row.label}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
