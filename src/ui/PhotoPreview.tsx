/**
 * The photo a node's file param holds, on the node as soon as it is chosen (before any run), with
 * the framing its params ask for drawn over it: the crop kept and the focus point it centres on,
 * or the bars a fit adds. A click on the photo moves the focus there. Drawn by any node with an
 * image file param; framing by any that also has the framing params (aspect, mode, focusX, focusY).
 * A file the run would refuse by its header (too many pixels, no readable size) is not shown but
 * named, with why: decoding a 16384 x 16384 PNG for a thumbnail took the page 7 s and 1 GB.
 */
import { useEffect, useState, type MouseEvent, type ReactElement } from 'react';
import type { AnyNodeDefinition, AssetRef, WorkflowNode } from '../engine';
import { nodeParams } from '../editor/run-cost';
import { frame, type Aspect, type Framing } from '../media/framing';
import { imageFileProblem } from '../media/image-pixels';
import { useServices } from './services';

const FRAMING = ['aspect', 'mode', 'focusX', 'focusY'] as const;
type FramingValues = { aspect: Aspect | 'original'; mode: 'crop' | 'fit'; focusX: number; focusY: number; transparency?: string };

/** Preview height at most, in CSS pixels: a portrait photo is drawn narrower, never squashed. */
const MAX_HEIGHT = 200;

function shape(width: number, height: number) {
  return { aspectRatio: `${width} / ${height}`, width: `min(100% - 20px, ${Math.round((MAX_HEIGHT * width) / height)}px)` };
}

/** The first file param that takes images. */
function photoParam(definition: AnyNodeDefinition): string | undefined {
  return Object.entries(definition.params).find(([, spec]) => spec.kind === 'asset' && spec.accept.some((type) => type.startsWith('image/')))?.[0];
}

export function PhotoPreview({ node, definition }: { node: WorkflowNode; definition: AnyNodeDefinition }) {
  const param = photoParam(definition);
  const ref = param ? (node.params[param] as AssetRef | null | undefined) : undefined;
  if (!ref) return null;
  const values = nodeParams(node, definition);
  const framing = FRAMING.every((name) => name in definition.params) ? (values as unknown as FramingValues) : undefined;
  return <Photo key={ref.hash} nodeId={node.id} photo={ref} framing={framing} />;
}

/** A stored photo as an object URL, revoked when no longer shown, or why it will not be opened; undefined while it is read or when it is gone. */
function useStoredPhoto(photo: AssetRef): { url: string } | { problem: string } | undefined {
  const { assets } = useServices();
  const [shown, setShown] = useState<{ url: string } | { problem: string }>();
  useEffect(() => {
    let live = true;
    let made: string | undefined;
    void assets?.get(photo.hash).then(async (blob) => {
      const problem = blob && (await imageFileProblem(blob, photo.name));
      if (!live || !blob) return;
      if (problem) return setShown({ problem });
      made = URL.createObjectURL(blob);
      setShown({ url: made });
    });
    return () => {
      live = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [assets, photo.hash, photo.name]);
  return shown;
}

function Photo({ nodeId, photo, framing }: { nodeId: string; photo: AssetRef; framing: FramingValues | undefined }) {
  const { commands } = useServices();
  const shown = useStoredPhoto(photo);
  // The size as the browser shows it, EXIF rotation applied, as the node's own decode does.
  const [size, setSize] = useState<{ width: number; height: number }>();
  if (!shown) return null;
  if ('problem' in shown) return <p className="photo-problem">{shown.problem}</p>;
  const { url } = shown;
  const box = size && framing ? frame(size.width, size.height, framing.aspect, framing.mode, { x: framing.focusX, y: framing.focusY }) : undefined;
  const cropping = box && framing?.mode === 'crop' && framing.aspect !== 'original';
  const focusAt = (e: MouseEvent<HTMLDivElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    const round = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 100) / 100;
    commands.setParams(nodeId, { focusX: round((e.clientX - r.left) / r.width), focusY: round((e.clientY - r.top) / r.height) });
  };
  const img = <img src={url} alt={`${photo.name}, as chosen`} draggable={false} onLoad={(e) => setSize({ width: e.currentTarget.naturalWidth, height: e.currentTarget.naturalHeight })} />;
  if (box && framing?.mode === 'fit' && framing.aspect !== 'original') return <Fitted box={box} fill={framing.transparency} img={img} />;
  return (
    <div
      className={`photo-preview${cropping ? ' nodrag' : ''}`}
      style={size ? shape(size.width, size.height) : undefined}
      onClick={cropping ? focusAt : undefined}
      title={cropping ? 'The part kept, around the focus point: click to move the focus' : undefined}
    >
      {img}
      {cropping && size && framing ? <CropMarks size={size} box={box} focus={{ x: framing.focusX * size.width, y: framing.focusY * size.height }} /> : null}
    </div>
  );
}

/** The part cut away shaded, the part kept outlined, and the focus point it centres on. */
function CropMarks({ size, box, focus }: { size: { width: number; height: number }; box: Framing; focus: { x: number; y: number } }) {
  const { width: w, height: h } = size;
  const { x, y, width, height } = box.source;
  const r = Math.min(w, h) * 0.035;
  return (
    <svg className="photo-marks" viewBox={`0 0 ${w} ${h}`} preserveAspectRatio="none" aria-hidden="true">
      <path className="crop-shade" fillRule="evenodd" d={`M0 0H${w}V${h}H0Z M${x} ${y}H${x + width}V${y + height}H${x}Z`} />
      <rect className="crop-frame" x={x} y={y} width={width} height={height} vectorEffect="non-scaling-stroke" />
      <circle className="focus-point" cx={focus.x} cy={focus.y} r={r} vectorEffect="non-scaling-stroke" />
      <path className="focus-point" d={`M${focus.x - 2 * r} ${focus.y}H${focus.x + 2 * r}M${focus.x} ${focus.y - 2 * r}V${focus.y + 2 * r}`} vectorEffect="non-scaling-stroke" />
    </svg>
  );
}

/** The whole photo inside the output frame, with the bars the fit adds in their fill. */
function Fitted({ box, fill, img }: { box: Framing; fill: string | undefined; img: ReactElement }) {
  const pct = (v: number, of: number) => `${(v / of) * 100}%`;
  const { target } = box;
  return (
    <div className={`photo-preview photo-fit fill-${fill ?? 'black'}`} style={shape(box.width, box.height)} title="The whole photo, with the bars that fit it to the frame">
      <div className="photo-fit-picture" style={{ left: pct(target.x, box.width), top: pct(target.y, box.height), width: pct(target.width, box.width), height: pct(target.height, box.height) }}>
        {img}
      </div>
    </div>
  );
}
