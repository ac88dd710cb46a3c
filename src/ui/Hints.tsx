import { dismissHint, useHints } from './hints';

export function Hints() {
  const hints = useHints();
  return (
    <div className="hints" role="status" aria-live="polite">
      {hints.map((h) => (
        <p key={h.id} className={`hint hint-${h.level}`}>
          {h.text}
          {h.action ? (
            <button
              type="button"
              onClick={() => {
                h.action!.run();
                dismissHint(h.id);
              }}
            >
              {h.action.label}
            </button>
          ) : null}
        </p>
      ))}
    </div>
  );
}
