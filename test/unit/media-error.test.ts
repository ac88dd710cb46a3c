/** What a media node says when the browser's media machinery fails under it. */
import { describe, expect, it } from 'vitest';
import { NodeError } from '../../src/engine';
import { explainMediaError } from '../../src/media/video/media-error';

const said = (error: unknown) => {
  const explained = explainMediaError(error, 'Joining the clips');
  return explained instanceof NodeError ? explained.message : explained;
};

describe('explainMediaError', () => {
  it('says "ran out of memory" for a failed allocation or an exhausted quota', () => {
    expect(said(new RangeError('Array buffer allocation failed'))).toMatch(/^Joining the clips ran out of memory \(Array buffer allocation failed\); try a shorter or smaller clip/);
    expect(said(new DOMException('no room', 'QuotaExceededError'))).toMatch(/ran out of memory/);
  });

  it('names codec failures as such', () => {
    expect(said(new DOMException('Decoding error.', 'EncodingError'))).toBe('Joining the clips: the browser could not decode or encode the media (Decoding error.); the file may be damaged');
    expect(said(new DOMException('Unsupported codec', 'NotSupportedError'))).toBe('Joining the clips: this browser does not support this media (Unsupported codec)');
    expect(said(new DOMException('Codec reclaimed', 'OperationError'))).toBe("Joining the clips failed in the browser's media engine: OperationError (Codec reclaimed)");
  });

  it('passes NodeErrors, cancellations and plain bugs through unchanged', () => {
    const own = new NodeError('clip 2 has no video track');
    const abort = new DOMException('cancelled by the user', 'AbortError');
    const bug = new TypeError('x is undefined');
    expect(explainMediaError(own, 'Joining the clips')).toBe(own);
    expect(explainMediaError(abort, 'Joining the clips')).toBe(abort);
    expect(explainMediaError(bug, 'Joining the clips')).toBe(bug);
  });
});
