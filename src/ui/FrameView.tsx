/**
 * A titled frame drawn behind nodes (Blender's frame, ComfyUI's group). Only its title bar takes
 * the pointer, so wires and nodes inside stay usable; dragging the title moves the nodes inside
 * (GraphCanvas does that), and a selected frame shows handles to resize it.
 */
import { NodeResizer, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { DOCUMENT_LIMITS } from '../engine';
import { InlineEdit } from './InlineEdit';
import { MARK_HEX } from './mark-colours';
import { useDocument, useServices } from './services';

/** React Flow ids of frames, kept apart from node ids. */
export const FRAME_PREFIX = 'frame:';
export const frameFlowId = (id: string) => `${FRAME_PREFIX}${id}`;
export const isFrameFlowId = (id: string) => id.startsWith(FRAME_PREFIX);
export const frameIdOf = (flowId: string) => flowId.slice(FRAME_PREFIX.length);

export const FrameView = memo(function FrameView({ id, selected }: NodeProps) {
  const { commands } = useServices();
  const frameId = frameIdOf(id);
  const frame = useDocument((d) => d.frames?.find((f) => f.id === frameId));
  if (!frame) return null;
  const colour = frame.colour ? MARK_HEX[frame.colour] : '#8a8fa8';
  return (
    <div className={`frame${selected ? ' selected' : ''}`} style={{ '--frame-colour': colour } as React.CSSProperties} data-frame-id={frameId}>
      <NodeResizer isVisible={selected} minWidth={120} minHeight={80} color={colour} onResizeEnd={(_, r) => commands.updateFrame(frameId, { position: { x: r.x, y: r.y }, size: { width: r.width, height: r.height } })} />
      <header className="frame-title">
        <InlineEdit value={frame.title} label="Frame title" hint="Double-click to rename; drag to move the frame and what is in it" as="text" className="frame-title-text" inputClassName="frame-title-input nodrag" maxLength={DOCUMENT_LIMITS.title} onCommit={(title) => commands.updateFrame(frameId, { title })} />
      </header>
    </div>
  );
});
