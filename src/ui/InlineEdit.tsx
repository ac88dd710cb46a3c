/** Text shown as is until the person asks to edit it: Enter or leaving the field commits, Escape cancels. */
import { useState } from 'react';

interface Props {
  value: string;
  /** Accessible name of the field while editing. */
  label: string;
  /** Tooltip on the text, saying how to edit it. */
  hint: string;
  /** A button edits on click (toolbar); plain text edits on double-click (inside a draggable node). */
  as: 'button' | 'text';
  className: string;
  inputClassName: string;
  /** The most characters the text may have (the document's own limit for it). */
  maxLength: number;
  /** Called with the new text when it differs from `value`. */
  onCommit: (value: string) => void;
}

export function InlineEdit({ value, label, hint, as, className, inputClassName, maxLength, onCommit }: Props) {
  const [editing, setEditing] = useState(false);
  const finish = (next: string | undefined) => {
    setEditing(false);
    if (next !== undefined && next.trim() !== value) onCommit(next);
  };
  if (editing) {
    return (
      <input
        className={inputClassName}
        autoFocus
        defaultValue={value}
        maxLength={maxLength}
        aria-label={label}
        onBlur={(e) => finish(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') finish(e.currentTarget.value);
          if (e.key === 'Escape') {
            e.stopPropagation(); // cancels this edit only, not the panel around it
            finish(undefined);
          }
        }}
      />
    );
  }
  return as === 'button' ? (
    <button type="button" className={className} title={hint} onClick={() => setEditing(true)}>
      {value}
    </button>
  ) : (
    <span className={className} title={hint} onDoubleClick={() => setEditing(true)}>
      {value}
    </span>
  );
}
