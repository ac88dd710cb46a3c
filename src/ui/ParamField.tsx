/** One widget per parameter kind; the node definition decides which, never the node's code. */
import { useEffect, useId, useState } from 'react';
import { MAX_ASSETS, SEED_MAX, type AssetRef, type ParamSpec } from '../engine';
import { showHint } from './hints';
import { paramWidget } from './param-widgets';
import { useServices } from './services';

interface Props {
  name: string;
  spec: ParamSpec;
  value: unknown;
  /** For a select: the values the node's other params allow; all of them when absent. */
  offered?: readonly string[] | undefined;
  /** For a select: labels that depend on the other params (a route's price); the spec's otherwise. */
  labels?: Readonly<Record<string, string>> | undefined;
  /** What the other params require of this one, shown under it. */
  note?: string | undefined;
  onChange: (value: unknown) => void;
}

export function ParamField({ name, spec, value, offered, labels, note, onChange }: Props) {
  const id = useId();
  return (
    <div className={`param param-${spec.kind}`} title={spec.description}>
      <label htmlFor={id}>{spec.label}</label>
      <Widget id={id} name={name} spec={spec} value={value} offered={offered} labels={labels} onChange={onChange} />
      {note ? <p className="param-note">{note}</p> : null}
    </div>
  );
}

function Widget({ id, spec, value, offered, labels, onChange }: Props & { id: string }) {
  switch (spec.kind) {
    case 'number':
      return (
        <span className="number-field">
          <input className="nodrag" type="range" min={spec.min} max={spec.max} step={spec.step ?? (spec.integer ? 1 : 'any')} value={Number(value)} onChange={(e) => onChange(Number(e.target.value))} aria-label={`${spec.label} slider`} />
          <NumberInput id={id} value={Number(value)} min={spec.min} max={spec.max} integer={spec.integer ?? false} onChange={onChange} />
          {spec.unit ? <span className="unit">{spec.unit}</span> : null}
        </span>
      );
    case 'seed':
      return (
        <span className="number-field">
          <NumberInput id={id} value={Number(value)} min={0} max={SEED_MAX} integer onChange={onChange} />
          <button type="button" className="nodrag dice" title="New random seed" aria-label="New random seed" onClick={() => onChange(crypto.getRandomValues(new Uint32Array(1))[0]!)}>
            <DiceIcon />
          </button>
        </span>
      );
    case 'select': {
      const label = (o: { value: string; label: string }) => labels?.[o.value] ?? o.label;
      const chosen = spec.options.find((o) => o.value === value);
      return (
        // The chosen option in full on hover: a long label (a model and its price) is cut in a narrow node.
        <select id={id} className="nodrag" value={String(value)} title={chosen ? label(chosen) : undefined} onChange={(e) => onChange(e.target.value)}>
          {spec.options
            // A value a saved file holds that is no longer offered stays visible, marked, until changed.
            .filter((o) => !offered || offered.includes(o.value) || o.value === value)
            .map((o) => (
              <option key={o.value} value={o.value}>
                {offered && !offered.includes(o.value) ? `${o.label} (not offered)` : label(o)}
              </option>
            ))}
        </select>
      );
    }
    case 'text':
      return spec.multiline ? (
        <textarea id={id} className="nodrag nowheel" rows={3} maxLength={spec.maxLength} placeholder={spec.placeholder} value={String(value)} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input id={id} className="nodrag" type="text" maxLength={spec.maxLength} placeholder={spec.placeholder} value={String(value)} onChange={(e) => onChange(e.target.value)} />
      );
    case 'boolean':
      return <input id={id} className="nodrag" type="checkbox" checked={Boolean(value)} onChange={(e) => onChange(e.target.checked)} />;
    case 'asset':
      return <AssetField id={id} accept={spec.accept} value={value as AssetRef | null} onChange={onChange} />;
    case 'assets':
      return <AssetsField id={id} accept={spec.accept} value={value as readonly AssetRef[]} onChange={onChange} />;
    default: {
      const added = spec as ParamSpec;
      const Added = paramWidget(added.kind);
      return Added ? <Added id={id} spec={added} value={value} onChange={onChange} /> : <span className="param-unsupported">This version has no editor for {added.kind} parameters</span>;
    }
  }
}

/** A number box that lets the user type freely and commits a clamped value on blur or Enter. */
function NumberInput({ id, value, min, max, integer, onChange }: { id: string; value: number; min: number; max: number; integer: boolean; onChange: (v: number) => void }) {
  const [text, setText] = useState(String(value));
  useEffect(() => {
    setText(String(value));
  }, [value]);
  const commit = () => {
    const parsed = Number(text);
    if (!Number.isFinite(parsed) || text.trim() === '') return setText(String(value));
    const clamped = Math.min(max, Math.max(min, integer ? Math.round(parsed) : parsed));
    setText(String(clamped));
    if (clamped !== value) onChange(clamped);
  };
  return (
    <input
      id={id}
      className="nodrag"
      type="text"
      inputMode="decimal"
      value={text}
      onChange={(e) => setText(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => e.key === 'Enter' && commit()}
    />
  );
}

function DiceIcon() {
  return (
    <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true">
      <rect x="1.5" y="1.5" width="13" height="13" rx="3" fill="none" stroke="currentColor" strokeWidth="1.4" />
      {[[5, 5], [11, 5], [8, 8], [5, 11], [11, 11]].map(([cx, cy]) => (
        <circle key={`${cx}-${cy}`} cx={cx} cy={cy} r="1.3" fill="currentColor" />
      ))}
    </svg>
  );
}

/** A file picker: the file goes into the asset store, the parameter keeps its reference. */
function AssetField({ id, accept, value, onChange }: { id: string; accept: readonly string[]; value: AssetRef | null; onChange: (v: AssetRef) => void }) {
  const { engine } = useServices();
  const [busy, setBusy] = useState(false);
  const pick = async (file: File | undefined) => {
    if (!file) return;
    setBusy(true);
    try {
      onChange(await engine.putAsset(file, file.name));
    } catch (error) {
      showHint(`"${file.name}" could not be added: ${error instanceof Error ? error.message : String(error)}`, 'error');
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="asset-field">
      <span className="asset-name" title={value?.name}>
        {busy ? 'adding…' : value ? `${value.name} · ${formatBytes(value.size)}` : 'no file'}
      </span>
      <label className="button nodrag" htmlFor={id}>
        {value ? 'Replace' : 'Choose'}
      </label>
      <input id={id} className="visually-hidden" type="file" accept={accept.join(',')} onChange={(e) => void pick(e.target.files?.[0])} />
    </span>
  );
}

/** Many files: picked together or as a whole folder (only the types `accept` names are kept). */
function AssetsField({ id, accept, value, onChange }: { id: string; accept: readonly string[]; value: readonly AssetRef[]; onChange: (v: AssetRef[]) => void }) {
  const { engine } = useServices();
  const [busy, setBusy] = useState('');
  const add = async (list: FileList | null) => {
    const files = [...(list ?? [])].filter((f) => accept.includes(f.type)).sort((a, b) => a.name.localeCompare(b.name));
    if (files.length === 0) return showHint(`No ${accept.map((t) => t.replace('image/', '').toUpperCase()).join(', ')} files there.`, 'error');
    const added: AssetRef[] = [];
    for (const [i, file] of files.entries()) {
      setBusy(`adding ${i + 1}/${files.length}…`);
      try {
        added.push(await engine.putAsset(file, file.name));
      } catch (error) {
        showHint(`"${file.name}" could not be added: ${error instanceof Error ? error.message : String(error)}`, 'error');
      }
    }
    setBusy('');
    const known = new Set(value.map((r) => r.hash));
    onChange([...value, ...added.filter((r) => !known.has(r.hash))].slice(0, MAX_ASSETS));
  };
  return (
    <span className="asset-field">
      <span className="asset-name" title={value.map((r) => r.name).join('\n')}>
        {busy || (value.length === 0 ? 'no photos' : `${value.length} photo${value.length === 1 ? '' : 's'}`)}
      </span>
      <label className="button nodrag" htmlFor={id}>
        Add
      </label>
      <input id={id} className="visually-hidden" type="file" multiple accept={accept.join(',')} onChange={(e) => void add(e.target.files)} />
      <label className="button nodrag" htmlFor={`${id}-folder`}>
        Folder
      </label>
      <input id={`${id}-folder`} className="visually-hidden" type="file" {...{ webkitdirectory: '' }} onChange={(e) => void add(e.target.files)} />
      {value.length > 0 ? (
        <button type="button" className="nodrag" onClick={() => onChange([])}>
          Clear
        </button>
      ) : null}
    </span>
  );
}

function formatBytes(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
