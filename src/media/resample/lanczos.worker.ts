/** One thread of the CPU Lanczos pool: makes the band of rows it is asked for (lanczos-pool.ts). */
import { resampleLanczosBand } from './lanczos';
import type { BandReply, BandRequest } from './lanczos-pool';

/** The worker's global scope, typed by hand: tsconfig's libs are the page's DOM ones. */
const scope = self as unknown as { onmessage: ((event: MessageEvent<BandRequest>) => void) | null; postMessage(message: BandReply, transfer: Transferable[]): void };

scope.onmessage = ({ data: request }: MessageEvent<BandRequest>) => {
  const { id, image, width, height, sharpen, first, end } = request;
  let reply: BandReply;
  try {
    reply = { id, data: resampleLanczosBand(image, width, height, { sharpen }, first, end) };
  } catch (error) {
    reply = { id, error: error instanceof Error ? error.message : String(error) };
  }
  scope.postMessage(reply, 'data' in reply ? [reply.data.buffer] : []);
};
