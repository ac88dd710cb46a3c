/** What the inspector says of a result under its preview. */
import { describe, expect, it } from 'vitest';
import type { AudioValue } from '../../src/engine';
import { describeMedia } from '../../src/ui/OutputPreview';

const audio = (mime: string, channels: number): AudioValue => ({ kind: 'audio', blob: new Blob([new Uint8Array(2048)]), hash: 'h', mime, duration: 12.34, sampleRate: 44100, channels });

describe('a result described under its preview', () => {
  it('names a sound file by its format, length, rate, channels and size', () => {
    expect(describeMedia(audio('audio/mpeg', 2))).toBe('MP3 · 12.3 s · 44.1 kHz stereo · 2 KiB');
    expect(describeMedia(audio('audio/wav', 1))).toBe('WAV · 12.3 s · 44.1 kHz mono · 2 KiB');
    expect(describeMedia(audio('audio/x-unknown', 6))).toBe('audio/x-unknown · 12.3 s · 44.1 kHz 6 channels · 2 KiB');
  });
});
