/** BlobSink: what a muxer writes, appends and header patches alike, ends as the same bytes in a Blob. */
import { describe, expect, it } from 'vitest';
import { BlobSink } from '../../src/media/video/blob-sink';

/** Writes as mediabunny's StreamTarget does: chunks with the position they belong at. */
async function write(sink: BlobSink, chunks: [number, number[]][]): Promise<number[]> {
  const writer = sink.writable.getWriter();
  for (const [position, bytes] of chunks) await writer.write({ type: 'write', position, data: new Uint8Array(bytes) });
  await writer.close();
  return [...new Uint8Array(await sink.blob('video/mp4').arrayBuffer())];
}

describe('BlobSink', () => {
  it('keeps appends in order and applies patches inside and across earlier pieces', async () => {
    const sink = new BlobSink();
    expect(await write(sink, [[0, [1, 2, 3]], [3, [4, 5]], [2, [9, 9]], [4, [7, 8, 6]]])).toEqual([1, 2, 9, 9, 7, 8, 6]);
  });

  it('refuses a write past the end, which would leave a hole', async () => {
    const sink = new BlobSink();
    await expect(write(sink, [[0, [1]], [5, [2]]])).rejects.toThrow('the muxer skipped bytes 1..5');
  });
});
