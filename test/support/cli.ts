/** Running `stillmotion run` from tests as a user would: the real command, in its own process. */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const BIN = join(process.cwd(), 'bin/stillmotion.mjs');

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** Runs the CLI without blocking this process: the fake providers answer from its event loop. */
export function cli(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, out, err }));
  });
}

/** `count` different 160x90 PNGs (testsrc2 draws a frame counter) in a folder of `dir`. */
export function photoFolder(dir: string, count: number, name = `photos-${count}`): string {
  const folder = join(dir, name);
  mkdirSync(folder, { recursive: true });
  execFileSync('ffmpeg', ['-y', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=160x90:rate=1', '-frames:v', String(count), join(folder, 'photo%02d.png')]);
  return folder;
}
