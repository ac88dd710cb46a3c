/** One thread of the CPU Lanczos pool: makes the bands of rows it is asked for (lanczos-pool.ts). */
import { resampleLanczosBand } from './lanczos';
import type { BandReply, BandRequest } from './lanczos-pool';

/** The worker's global scope, typed by hand: tsconfig's libs are the page's DOM ones. */
const scope = self as unknown as { onmessage: ((event: MessageEvent<BandRequest>) => void) | null; postMessage(message: BandReply, transfer: Transferable[]): void };

scope.onmessage = ({ data: request }: MessageEvent<BandRequest>) => {
  const { id, image, width, height, sharpen, bands } = request;
  let reply: BandReply;
  try {
    reply = { id, parts: bands.map(([first, end]) => resampleLanczosBand(image, width, height, { sharpen }, first, end)) };
  } catch (error) {
    reply = { id, error: error instanceof Error ? error.message : String(error) };
  }
  scope.postMessage(reply, 'parts' in reply ? reply.parts.map((part) => part.buffer) : []);
};
