/** One thread of the CPU Lanczos pool: makes the bands of rows it is asked for (lanczos-pool.ts). */
import { resampleLanczosBand } from './lanczos';
import type { BandReply, BandRequest } from './lanczos-pool';

/** The worker's global scope, typed by hand: tsconfig's libs are the page's DOM ones. */
const scope = self as unknown as { onmessage: ((event: MessageEvent<BandRequest>) => void) | null; postMessage(message: BandReply, transfer: Transferable[]): void };

scope.onmessage = ({ data: request }: MessageEvent<BandRequest>) => {
  const { id, image, width, height, sharpen, bands, parts } = request;
  let reply: BandReply;
  try {
    bands.forEach(([first, end], i) => resampleLanczosBand(image, width, height, { sharpen }, first, end, parts[i]));
    reply = { id, parts, source: image.data };
  } catch (error) {
    reply = { id, error: error instanceof Error ? error.message : String(error) };
  }
  // The buffers go back to the pool, to be lent again for the next image.
  scope.postMessage(reply, 'parts' in reply ? [...reply.parts.map((part) => part.buffer), reply.source.buffer] : []);
};
