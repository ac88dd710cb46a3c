/** A small real video for fake providers to return, made once per test process by native ffmpeg. */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made = new Map<string, Buffer>();

/** 320x180, 24 fps, `seconds` long, H.264, with an AAC tone when `audio` (as Veo and Seedance send). */
export function testVideo({ seconds = 1, audio = false } = {}): Buffer {
  const name = `stillmotion-fake-${seconds}s${audio ? '-audio' : ''}.mp4`;
  const cached = made.get(name);
  if (cached) return cached;
  const path = join(tmpdir(), name);
  if (!existsSync(path)) {
    const audioArgs = audio ? ['-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`, '-c:a', 'aac', '-b:a', '64k'] : [];
    execFileSync('ffmpeg', ['-y', '-loglevel', 'error', '-f', 'lavfi', '-i', `testsrc2=size=320x180:rate=24:duration=${seconds}`, ...audioArgs, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', '-shortest', `${path}.${process.pid}.mp4`]);
    renameSync(`${path}.${process.pid}.mp4`, path); // whole or absent, whichever process wins
  }
  const bytes = readFileSync(path);
  made.set(name, bytes);
  return bytes;
}
