/**
 * Failures of the browser's media machinery (WebCodecs, allocation) told in the user's terms,
 * so a node says "ran out of memory" or "could not decode" rather than "internal error".
 */
import { NodeError } from '../../engine';

/** `error` as a NodeError saying what went wrong while `doing`; errors it cannot place pass through. */
export function explainMediaError(error: unknown, doing: string): unknown {
  if (error instanceof NodeError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if ((error instanceof RangeError && /alloc|memory|buffer/i.test(message)) || (error instanceof DOMException && error.name === 'QuotaExceededError')) {
    return new NodeError(`${doing} ran out of memory (${message}); try a shorter or smaller clip, or close other tabs`);
  }
  if (!(error instanceof DOMException)) return error;
  switch (error.name) {
    case 'AbortError':
      return error;
    case 'NotSupportedError':
      return new NodeError(`${doing}: this browser does not support this media (${message})`);
    case 'EncodingError':
      return new NodeError(`${doing}: the browser could not decode or encode the media (${message}); the file may be damaged`);
    default:
      return new NodeError(`${doing} failed in the browser's media engine: ${error.name} (${message})`);
  }
}
