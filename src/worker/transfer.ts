/**
 * What can move rather than be copied across the worker boundary. Media Blobs are cloned by
 * reference (no byte copy) and stay valid on both sides; raw buffers and frames are transferred.
 */
export function transferablesOf(value: unknown, found: Set<Transferable> = new Set()): Transferable[] {
  if (value instanceof ArrayBuffer) found.add(value);
  else if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer) found.add(value.buffer);
  } else if (typeof ImageBitmap !== 'undefined' && value instanceof ImageBitmap) found.add(value);
  else if (typeof VideoFrame !== 'undefined' && value instanceof VideoFrame) found.add(value);
  else if (Array.isArray(value)) for (const item of value) transferablesOf(item, found);
  else if (value !== null && typeof value === 'object' && !(value instanceof Blob)) {
    for (const item of Object.values(value)) transferablesOf(item, found);
  }
  return [...found];
}
