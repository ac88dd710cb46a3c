/**
 * The Compare takes viewer: the takes side by side in a synced grid, one at a time, or two of them
 * under an A/B wipe, each labelled with the node it came from (its model, route and cost where a
 * generation made it), its rank and verdict; frame stepping, 1:1 zoom, and a wide view over the
 * whole window (Escape closes it, and nothing else). Then the scores with a line each on what
 * they mean, the weights (editable: they set the node's Weights param) and how the Overall is
 * made, per-frame curves, and a click on a take to pick it (through the editor's commands, so it
 * can be undone; a pick made so is marked as the user's). A thin view of the report: it judges
 * nothing itself. Everything from the report and the document is rendered as text, never as HTML.
 */
import { useEffect, useMemo, useRef, useState, type CSSProperties, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { isMedia, type PortValue, type VideoValue } from '../engine';
import { formatUsd } from '../editor/run-cost';
import { originText, takeOrigins, type TakeOrigin } from '../editor/take-origins';
import { moveName } from '../metrics/choices';
import { FAULT_MARK, formatWeights, parseWeights, type RankedScore, type Weights } from '../metrics/rank';
import { parseReport, type CompareReport } from '../metrics/report';
import { useDocument, useServices, useStaleReason } from './services';
import { useObjectUrls } from './object-urls';

const COLOURS = ['#f98f5f', '#5fb3f9', '#6fcf97', '#b18cff', '#f2c94c', '#ff6b6b', '#4fd1c5', '#e879f9', '#a3a3a3'];
const CURVES = ['identity', 'colour', 'exposure', 'flicker', 'warpError', 'speed', 'detail'] as const;
/** Labels of the curves that are not scores of their own. */
const CURVE_LABELS: Partial<Record<(typeof CURVES)[number], string>> = { speed: 'Camera speed (width/s)' };

type Mode = 'grid' | 'single' | 'wipe';
const MODE_LABELS: Record<Mode, string> = { grid: 'Side by side', single: 'One at a time', wipe: 'A/B wipe' };

/**
 * A comparison among a node's outputs: a text output holding a Compare report and a list of
 * videos (the ranked takes). Found by content, so any node that writes a report gets the viewer.
 */
export function comparisonOf(outputs: Readonly<Record<string, PortValue>>): { reportPort: string; report: CompareReport; ranked: VideoValue[] } | undefined {
  for (const [port, value] of Object.entries(outputs)) {
    const report = typeof value === 'string' ? parseReport(value) : undefined;
    const ranked = Object.values(outputs).find((v): v is readonly VideoValue[] => Array.isArray(v) && v.length === report?.takes.length && v.every((t) => isMedia(t) && t.kind === 'video'));
    if (report && ranked) return { reportPort: port, report, ranked: [...ranked] };
  }
  return undefined;
}

interface Props {
  nodeId: string;
  report: CompareReport;
  /** The takes, best ranked first, as the node's `ranked` output gives them. */
  ranked: readonly VideoValue[];
}

export function CompareView({ nodeId, report, ranked }: Props) {
  const { commands, registry, runs } = useServices();
  // Only what the viewer shows of the document, as text, so moving a node does not draw it again.
  const pickParam = useDocument((d) => d.nodes.find((n) => n.id === nodeId)?.params.pick);
  const weightsParam = useDocument((d) => d.nodes.find((n) => n.id === nodeId)?.params.weights);
  const originsText = useDocument((d) => JSON.stringify(takeOrigins(d, registry, nodeId) ?? null));
  const origins = useMemo(() => JSON.parse(originsText) as TakeOrigin[] | null, [originsText]);
  // The weights as set now: a change ranks on the next run, and until then the table shows it.
  const weights = weightsAsSet(weightsParam, report.overall.weights as Weights);
  const weightsPending = formatWeights(weights) !== formatWeights(report.overall.weights as Weights);
  // Back to input order, so take n is the nth wire, as the Pick param counts.
  const takes = report.takes.map((_, i) => ranked[report.ranking.indexOf(i)]);
  // A label by wire holds while the wires are as many as the takes the report scored, and the node
  // wired in still has that take (rewired since the run, it would name another node's take).
  const originOf = (take: number) => {
    const origin = origins?.length === report.takes.length ? origins[take] : undefined;
    const made = origin && runs.node(origin.nodeId)?.outputs?.[origin.port];
    return origin && (made === undefined || (isMedia(made) && made.hash === takes[take]?.hash)) ? origin : undefined;
  };
  const takeName = (take: number) => `Take ${take + 1}${originOf(take) ? ` · ${originText(originOf(take)!)}` : ''}`;
  const urls = useObjectUrls(takes);
  const fps = report.takes[0]?.fps ?? 30;
  const frames = Math.max(1, ...report.takes.map((t) => t.curves.time.length));
  const players = useRef<(HTMLVideoElement | null)[]>([]);
  const [frame, setFrame] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [mode, setMode] = useState<Mode>('grid');
  const [wide, setWide] = useState(false);
  const [oneToOne, setOneToOne] = useState(false);
  const [wipe, setWipe] = useState(50);
  const [a, setA] = useState(report.ranking[0] ?? 0);
  const [b, setB] = useState(report.ranking[1] ?? 0);
  const [shown, setShown] = useState(report.ranking[0] ?? 0);

  const live = () => players.current.filter((v): v is HTMLVideoElement => v !== null);
  const seek = (f: number) => {
    const target = Math.max(0, Math.min(frames - 1, f));
    setFrame(target);
    for (const v of live()) {
      v.pause();
      v.currentTime = (target + 0.5) / fps;
    }
  };
  const toggle = () => {
    if (playing) for (const v of live()) v.pause();
    else for (const v of live()) void v.play();
    setPlaying(!playing);
  };
  // The first player is the clock; the others are pulled back when they stray over a frame.
  const follow = (v: HTMLVideoElement) => {
    setFrame(Math.min(frames - 1, Math.floor(v.currentTime * fps)));
    for (const other of live()) if (other !== v && Math.abs(other.currentTime - v.currentTime) > 1 / fps) other.currentTime = v.currentTime;
  };
  // Players made anew (another mode, the wide view) start at the frame shown, paused.
  const layout = (next: () => void) => {
    setPlaying(false);
    players.current = [];
    next();
  };
  const pick = (take: number) => commands.setParam(nodeId, 'pick', take + 1);

  const video = (take: number, slot: number, style?: CSSProperties) => {
    const meta = report.takes[take]!;
    return (
      <video
        key={`${take}-${slot}-${wide}`}
        ref={(el) => void (players.current[slot] = el)}
        src={urls[take]}
        muted
        loop
        playsInline
        width={oneToOne ? meta.width : undefined}
        height={oneToOne ? meta.height : undefined}
        className={oneToOne ? 'compare-video one-to-one' : 'compare-video'}
        style={style}
        onLoadedMetadata={(e) => void (e.currentTarget.currentTime = (frame + 0.5) / fps)}
        onTimeUpdate={slot === 0 ? (e) => follow(e.currentTarget) : undefined}
      />
    );
  };

  const picked = report.picked;
  const userPick = typeof pickParam === 'number' && pickParam > 0 ? pickParam - 1 : undefined;
  // The report is from the last run; a pick made since takes effect when the graph runs again.
  const pending = (userPick ?? report.ranking[0]) !== picked;
  const cell = (i: number) => (
    <figure key={i} className={i === picked ? 'compare-cell picked' : 'compare-cell'} data-take={i + 1}>
      {video(i, mode === 'single' ? 0 : i)}
      <figcaption>
        <span className="take-swatch" style={{ background: COLOURS[i % COLOURS.length] }} />
        Take {i + 1} · rank {report.takes[i]!.rank}
        {tied(report, i) ? ' (tie)' : ''}
        {i === picked ? <span className={`pick-mark pick-${report.pickedBy}`}>{report.pickedBy === 'user' ? 'picked by hand' : 'best ranked'}</span> : null}
        <button type="button" className={i === userPick ? 'pick-button chosen' : 'pick-button'} onClick={() => pick(i)} aria-pressed={i === userPick}>
          {i === userPick ? 'Picked' : 'Pick'}
        </button>
      </figcaption>
      <TakeOriginLine origin={originOf(i)} />
      <span className="take-verdict score-explain">{report.takes[i]!.verdict.text}</span>
    </figure>
  );
  const columns = wide && takes.length <= 3 ? takes.length : Math.ceil(Math.sqrt(takes.length));
  const rows = mode === 'grid' ? Math.ceil(takes.length / columns) : 1;
  const viewer = (
    <>
      <div className="compare-toolbar">
        {(Object.keys(MODE_LABELS) as Mode[]).map((m) => (
          <button key={m} type="button" aria-pressed={mode === m} className={mode === m ? 'chosen' : undefined} onClick={() => layout(() => setMode(m))}>
            {MODE_LABELS[m]}
          </button>
        ))}
        <label>
          <input type="checkbox" checked={oneToOne} onChange={(e) => setOneToOne(e.target.checked)} /> 1:1
        </label>
        {mode === 'wipe' ? (
          <>
            <TakeSelect label="A" value={a} count={takes.length} name={takeName} onChange={setA} />
            <TakeSelect label="B" value={b} count={takes.length} name={takeName} onChange={setB} />
          </>
        ) : null}
        {mode === 'single' ? <TakeSelect label="Take" value={shown} count={takes.length} name={takeName} onChange={(t) => layout(() => setShown(t))} /> : null}
        <button type="button" className="wide-toggle" onClick={() => layout(() => setWide(!wide))} {...(wide ? { title: 'Close the wide view (Escape)' } : { title: 'Show the takes over the whole window' })}>
          {wide ? 'Close wide view' : 'Wide view'}
        </button>
      </div>
      <div className={oneToOne ? 'compare-stage scroll' : 'compare-stage'} style={{ '--rows': rows } as CSSProperties}>
        {mode === 'grid' ? (
          <div className="compare-grid" style={{ gridTemplateColumns: `repeat(${columns}, ${oneToOne ? 'max-content' : '1fr'})` }}>
            {takes.map((_, i) => cell(i))}
          </div>
        ) : mode === 'single' ? (
          <div className="compare-single">{cell(shown)}</div>
        ) : (
          <div className="compare-wipe">
            {video(a, 0)}
            {video(b, 1, { clipPath: `inset(0 0 0 ${wipe}%)` })}
            <div className="wipe-line" style={{ left: `${wipe}%` }} />
            <span className="wipe-label left">A · {takeName(a)}</span>
            <span className="wipe-label right">B · {takeName(b)}</span>
            <input type="range" className="wipe-slider" min={0} max={100} value={wipe} onChange={(e) => setWipe(Number(e.target.value))} aria-label="Wipe position" />
          </div>
        )}
      </div>
      <div className="video-controls">
        <button type="button" onClick={toggle} aria-label={playing ? 'Pause' : 'Play'}>
          {playing ? '❚❚' : '▶'}
        </button>
        <button type="button" onClick={() => seek(frame - 1)} aria-label="Previous frame">
          ‹
        </button>
        <input type="range" min={0} max={frames - 1} value={frame} onChange={(e) => seek(Number(e.target.value))} aria-label="Frame" />
        <button type="button" onClick={() => seek(frame + 1)} aria-label="Next frame">
          ›
        </button>
        <span className="frame-counter">
          {frame + 1}/{frames}
        </span>
      </div>
    </>
  );
  return (
    <div className="compare-view nodrag">
      {wide ? (
        <>
          <p className="panel-note">The takes are open in the wide view.</p>
          <WideView onClose={() => layout(() => setWide(false))}>{viewer}</WideView>
        </>
      ) : (
        viewer
      )}
      <p className="compare-pick">
        Passing take {picked + 1} downstream ({report.pickedBy === 'rank' ? 'best ranked' : 'picked by hand: it passes whatever the scores say, for every photo of a batch'}).{' '}
        {pending ? <strong className="pick-pending">Run again to pass take {(userPick ?? report.ranking[0]!) + 1} on. </strong> : null}
        {userPick !== undefined ? (
          <button type="button" onClick={() => commands.setParam(nodeId, 'pick', 0)}>
            Go back to the best ranked
          </button>
        ) : null}
      </p>
      <p className="compare-request">
        Camera: {report.request.move === 'any' ? 'any motion' : `asked to ${moveName(report.request.move)}`}
        {report.request.from === 'prompt' ? ' (from the prompt)' : ''}
        {report.reference === 'first-frame' ? ' · no Source wired: each take is judged against its own first frame' : ''}
      </p>
      <ScoreTable report={report} weights={weights} setWeight={(name, weight) => commands.setParam(nodeId, 'weights', formatWeights({ ...weights, [name]: weight }))} />
      <p className="overall-explain score-explain">{report.overall.explain}</p>
      <p className="weights-actions">
        {weightsPending ? <strong className="pick-pending">Run again to rank with the new weights. </strong> : null}
        {formatWeights(weights) !== '' ? (
          <button type="button" onClick={() => commands.setParam(nodeId, 'weights', '')}>
            Back to the default weights
          </button>
        ) : null}
      </p>
      <div className="compare-curves">
        {CURVES.map((name) => (
          <Curve key={name} report={report} name={name} frame={frame} />
        ))}
      </div>
    </div>
  );
}

/**
 * Where a take came from: the node's title, and the model, route and cost of a generation, as its
 * settings are now; when they (or what it was made from) changed since, the label says so.
 */
function TakeOriginLine({ origin }: { origin: TakeOrigin | undefined }) {
  const changed = useStaleReason(origin?.maker?.nodeId ?? origin?.nodeId ?? '');
  if (!origin) return null;
  return (
    <span className="take-origin">
      <span className="take-origin-title">{origin.maker ? `${origin.title} ← ${origin.maker.title}` : origin.title}</span>
      {origin.madeBy ? <span className="take-origin-model">{origin.madeBy}</span> : null}
      {changed ? (
        <span className="take-origin-changed" title={changed}>
          changed since this take
        </span>
      ) : null}
      {origin.cost ? (
        <span className="take-origin-cost" title={origin.cost.basis}>
          {formatUsd(origin.cost.usd)}
          {origin.cost.assumed ? ' (assumed)' : ''}
        </span>
      ) : null}
    </span>
  );
}

/**
 * The viewer over the whole window, as a modal: keys go to it alone while it is open (the canvas
 * behind must not delete or run what is selected), and Escape closes it, never cancelling a run.
 */
function WideView({ onClose, children }: { onClose: () => void; children: ReactNode }) {
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  const dialog = useRef<HTMLDivElement>(null);
  useEffect(() => {
    dialog.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      e.stopPropagation();
      if (e.key !== 'Escape') return;
      e.preventDefault();
      closeRef.current();
    };
    // Capturing on the window runs before the canvas's and the panels' own handlers.
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);
  return createPortal(
    <div ref={dialog} tabIndex={-1} className="compare-wide compare-view" role="dialog" aria-modal="true" aria-label="Compare takes, wide view">
      {children}
    </div>,
    document.body,
  );
}

function TakeSelect({ label, value, count, name, onChange }: { label: string; value: number; count: number; name: (take: number) => string; onChange: (take: number) => void }) {
  return (
    <label>
      {label}{' '}
      <select value={value} onChange={(e) => onChange(Number(e.target.value))}>
        {Array.from({ length: count }, (_, i) => (
          <option key={i} value={i}>
            {name(i)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Whether another take shares this one's rank. */
function tied(report: CompareReport, take: number): boolean {
  return report.takes.some((t, i) => i !== take && t.rank === report.takes[take]!.rank);
}

/** The Weights param read as the node will read it; the report's weights where it cannot be read. */
function weightsAsSet(param: unknown, reported: Weights): Weights {
  try {
    return parseWeights(typeof param === 'string' ? param : '');
  } catch {
    return reported;
  }
}

function ScoreTable({ report, weights, setWeight }: { report: CompareReport; weights: Weights; setWeight: (name: RankedScore, weight: number) => void }) {
  const names = Object.keys(report.scores) as (keyof CompareReport['scores'])[];
  return (
    <table className="compare-scores">
      <thead>
        <tr>
          <th>Score</th>
          <th>Weight</th>
          {report.takes.map((_, i) => (
            <th key={i}>Take {i + 1}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        <tr className="total">
          <th>Overall (rank)</th>
          <td />
          {report.takes.map((t, i) => (
            <td key={i}>
              {t.total.toFixed(2)} ({t.rank})
            </td>
          ))}
        </tr>
        {names.map((name) => {
          const info = report.scores[name]!;
          const ranked = name in report.overall.weights ? (name as RankedScore) : undefined;
          return (
            <tr key={name} data-score={name}>
              <th>
                {info.label}
                <span className="score-explain">{info.explain}</span>
              </th>
              <td>{ranked ? <WeightInput name={ranked} report={report} weight={weights[ranked]} setWeight={setWeight} /> : null}</td>
              {report.takes.map((t, i) => {
                const mark = ranked ? t.marks[ranked] : undefined;
                const fault = mark !== undefined && mark < FAULT_MARK && report.overall.counted[ranked!]! > 0;
                return (
                  <td key={i} className={fault ? 'fault' : undefined} style={fault ? { color: 'var(--warn)' } : undefined} title={mark !== undefined ? `mark ${mark.toFixed(2)}` : undefined}>
                    {name === 'camera' ? moveName(t.camera.move) : formatScore(t.values[name] ?? NaN)}
                  </td>
                );
              })}
            </tr>
          );
        })}
        <tr>
          <th>
            Sound
            <span className="score-explain">Loudness (RMS dBFS) and the share of sound onsets that land on a motion peak.</span>
          </th>
          <td />
          {report.takes.map((t, i) => (
            <td key={i}>{t.audio.present ? `${formatScore(t.audio.loudness ?? -Infinity)} dB${t.audio.onsetSync !== undefined ? ` · ${Math.round(t.audio.onsetSync * 100)}% in sync` : ''}` : 'none'}</td>
          ))}
        </tr>
      </tbody>
    </table>
  );
}

/** A score's weight; a change sets the node's Weights param (undoable), and takes effect on the next run. */
function WeightInput({ name, report, weight, setWeight }: { name: RankedScore; report: CompareReport; weight: number; setWeight: (name: RankedScore, weight: number) => void }) {
  const counted = (report.overall.counted[name] ?? 0) > 0;
  return (
    <input
      type="number"
      className="weight-input"
      min={0}
      max={100}
      step={0.5}
      value={weight}
      aria-label={`Weight of ${report.scores[name]?.label ?? name}`}
      title={counted ? undefined : 'Not counted for this camera move'}
      style={{ width: '4em', opacity: counted ? 1 : 0.5 }}
      onChange={(e) => {
        const value = Number(e.target.value);
        if (e.target.value !== '' && Number.isFinite(value) && value >= 0 && value <= 100) setWeight(name, value);
      }}
    />
  );
}

function formatScore(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toFixed(3);
}

/** One score's per-frame curve for every take, as a plain SVG chart, with the current frame marked. */
function Curve({ report, name, frame }: { report: CompareReport; name: (typeof CURVES)[number]; frame: number }) {
  const W = 240;
  const H = 60;
  const series = report.takes.map((t) => t.curves[name]);
  const all = series.flat();
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const span = hi - lo || 1;
  const n = Math.max(2, ...series.map((s) => s.length));
  const x = (i: number) => (i / (n - 1)) * W;
  const label = CURVE_LABELS[name] ?? report.scores[name as keyof CompareReport['scores']]?.label ?? name;
  const y = (v: number) => H - 2 - ((v - lo) / span) * (H - 4);
  return (
    <figure className="compare-curve" data-curve={name}>
      <svg width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${label} per frame`}>
        <line x1={x(frame)} x2={x(frame)} y1={0} y2={H} className="curve-cursor" />
        {series.map((values, take) => (
          <polyline key={take} fill="none" stroke={COLOURS[take % COLOURS.length]} strokeWidth={1.5} points={values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ')} />
        ))}
      </svg>
      <figcaption>
        {label} ({formatScore(lo)}–{formatScore(hi)})
      </figcaption>
    </figure>
  );
}
