/**
 * Takes with known faults, made by native ffmpeg (a test oracle, never an app dependency) from one
 * photo-like still: a sky, rolling hills of fractal texture, a house, a post, a blue door. The
 * clean take is a slow push-in (1x to 1.15x over 2 s); each faulty take is that push-in with one
 * fault added (or, for the static take, without the push-in). Made once per machine into the
 * temporary directory (whole or absent, whichever process wins) and reused by the unit and
 * browser tests.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { i420, i420Size, TakeAnalyser, yuvOfRgba, type CameraMove, type PlanarFrame, type RankedScore, type TakeScores } from '../../src/metrics';

export const TAKE = { width: 256, height: 144, fps: 24, frames: 48 } as const;
/** The still is twice the takes' size, so the push-in has real detail to magnify. */
const STILL = { width: 512, height: 288 } as const;

const LAST = TAKE.frames - 1;
/** Zoom at output frame `on`: 1 to 1.15, evenly. */
const ZOOM = `(1+0.15*on/${LAST})`;
/** Eased in and out: from 0 to 1 over the take along half a cosine. */
const EASE = `(1-cos(PI*on/${LAST}))/2`;

/**
 * A camera move as ffmpeg's perspective filter: the corners of the still that fill the frame at
 * zoom `zoom`, shifted by (dx, dy) source pixels, the top edge pinched by `keystone`.
 */
function pushIn({ zoom = ZOOM, dx = '0', dy = '0', keystone = '0' } = {}): string {
  const left = `W/2-W/2/${zoom}+${dx}`;
  const right = `W/2+W/2/${zoom}+${dx}`;
  const top = `H/2-H/2/${zoom}+${dy}`;
  const bottom = `H/2+H/2/${zoom}+${dy}`;
  const corners = `x0='${left}+${keystone}':y0='${top}':x1='${right}-${keystone}':y1='${top}':x2='${left}':y2='${bottom}':x3='${right}':y3='${bottom}'`;
  return `perspective=${corners}:eval=frame:interpolation=linear,scale=${TAKE.width}:${TAKE.height}:flags=area`;
}

const PUSH_IN = pushIn();
/** Frames 0..16 play, then frame 16 holds to the end. */
const FREEZE = Array.from({ length: TAKE.frames }, (_, i) => Math.min(i, 16)).join(' ');

export interface FaultyTake {
  /** What the take is, as a file name. */
  name: string;
  /**
   * How it is made: a filter chain on the clean push-in's frames, or `from: 'still'` on the still
   * (the crossfade and blocking takes are made apart).
   */
  filter?: string;
  from?: 'still';
  /** The score whose fault the verdict must name, and words the verdict must say. */
  fault: RankedScore;
  says: RegExp;
}

export const FAULTY: readonly FaultyTake[] = [
  { name: 'static', filter: `scale=${TAKE.width}:${TAKE.height}:flags=area`, from: 'still', fault: 'motion', says: /^static/ },
  { name: 'flicker', filter: `eq=brightness='0.03*mod(n,2)':eval=frame`, fault: 'flicker', says: /flickers/ },
  { name: 'hue-drift', filter: `hue=h='45*t/2'`, fault: 'colour', says: /colour drifts/ },
  { name: 'exposure-drift', filter: `eq=brightness='0.1*t/2':eval=frame`, fault: 'exposure', says: /exposure drifts/ },
  { name: 'geometry-drift', filter: pushIn({ keystone: `0.1*W*on/${TAKE.frames - 1}` }), from: 'still', fault: 'drift', says: /drifts from the source/ },
  { name: 'jitter', filter: pushIn({ dx: '4*sin(on*7.3)+2.4*sin(on*13.7)', dy: '3.2*sin(on*5.1)+1.6*sin(on*17.9)' }), from: 'still', fault: 'shake', says: /jitters/ },
  { name: 'stutter', filter: 'shuffleframes=0 0 2 3 3 5', fault: 'stutter', says: /stutters/ },
  { name: 'freeze', filter: `shuffleframes=${FREEZE}`, fault: 'freeze', says: /freezes/ },
  { name: 'crossfade', fault: 'identity', says: /another picture/ },
  { name: 'blur', filter: 'gblur=sigma=1.5', fault: 'detail', says: /^soft/ },
  { name: 'blocking', fault: 'blocking', says: /blocky/ },
  { name: 'grain', filter: 'noise=alls=14:allf=t', fault: 'grain', says: /grainy/ },
];

/** Takes without a fault, made on the still, and the camera move each makes. */
export const GOOD = [
  { name: 'eased-push-in', filter: pushIn({ zoom: `(1+0.15*${EASE})` }), move: 'push-in' },
  { name: 'pull-out', filter: pushIn({ zoom: `(1.3-0.3*${EASE})` }), move: 'pull-out' },
  { name: 'pan-right', filter: pushIn({ zoom: '1.25', dx: `48*on/${LAST}` }), move: 'pan-right' },
  { name: 'moving-subject', move: 'static' },
] as const satisfies readonly { name: string; filter?: string; move: CameraMove }[];

export interface Takes {
  /** The still every take starts from (PNG), and the other picture the crossfade ends on. */
  still: string;
  other: string;
  /** The clean push-in's file, each faulty take's and each good one's by name (H.264 MP4). */
  clean: string;
  faulty: Record<string, string>;
  good: Record<string, string>;
}

/** The takes, made on first use. */
export function faultyTakes(): Takes {
  const recipe = JSON.stringify([TAKE, STILL, FAULTY, GOOD, PUSH_IN, H264, 4]);
  const dir = join(tmpdir(), `stillmotion-faulty-takes-${createHash('sha256').update(recipe).digest('hex').slice(0, 12)}`);
  if (!existsSync(dir)) {
    const making = `${dir}.${process.pid}`;
    rmSync(making, { recursive: true, force: true });
    mkdirSync(making);
    make(making);
    try {
      renameSync(making, dir);
    } catch {
      rmSync(making, { recursive: true, force: true }); // another process made them first
    }
  }
  return {
    still: join(dir, 'still.png'),
    other: join(dir, 'other.png'),
    clean: join(dir, 'clean.mp4'),
    faulty: Object.fromEntries(FAULTY.map(({ name }) => [name, join(dir, `${name}.mp4`)])),
    good: Object.fromEntries(GOOD.map(({ name }) => [name, join(dir, `${name}.mp4`)])),
  };
}

function ffmpeg(args: string[]): void {
  execFileSync('ffmpeg', ['-v', 'error', '-y', ...args]);
}

/**
 * H.264 tagged BT.709, as providers deliver it: the frames are made in BT.601 (ffmpeg's default)
 * and converted last. An untagged file would leave the matrix to each decoder's guess.
 */
const H264 = ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-pix_fmt', 'yuv420p', '-colorspace', 'bt709', '-color_primaries', 'bt709', '-color_trc', 'bt709'];
const TO_709 = 'colormatrix=bt601:bt709,format=yuv420p';

function make(dir: string): void {
  const { width: w, height: h } = STILL;
  // Fractal texture: noise at three scales, coarse ones smoothed up, summed with falling weights.
  const noise = (size: string, seed: number) => `nullsrc=s=${size},geq=lum='random(${seed})*255':cb=128:cr=128,format=gray`;
  const texture = `${noise('32x18', 1)},scale=${w}:${h}:flags=bicubic[n1];${noise('128x72', 2)},scale=${w}:${h}:flags=bicubic[n2];${noise(`${w}x${h}`, 3)},gblur=sigma=0.6[n3];[n1][n2]blend=all_expr='A*0.6+B*0.4'[m1];[m1][n3]blend=all_expr='A*0.75+B*0.25',format=gray`;
  const horizon = `H*(0.5+0.06*sin(X/33)+0.03*sin(X/9))`;
  const landscape = `format=rgb24,geq=r='if(lt(Y,${horizon}),70+90*Y/H+0.2*p(X,Y),min(255,0.8*p(X,Y)+20))':g='if(lt(Y,${horizon}),120+70*Y/H+0.2*p(X,Y),min(255,0.9*p(X,Y)+35))':b='if(lt(Y,${horizon}),200-20*Y/H+0.15*p(X,Y),0.45*p(X,Y))'`;
  const box = (x: number, y: number, bw: number, bh: number, colour: string) => `drawbox=x=${x}:y=${y}:w=${bw}:h=${bh}:color=${colour}:t=fill`;
  const things = [box(304, 120, 72, 56, '0xb04030'), box(316, 140, 16, 20, '0x302010'), box(352, 132, 14, 14, '0xe8d890'), box(298, 112, 84, 10, '0x5a3a2a'), box(96, 152, 10, 72, '0x402a18'), box(160, 200, 32, 48, '0x2050c0')].join(',');
  ffmpeg(['-filter_complex', `${texture}[tex];[tex]${landscape},${things}[out]`, '-map', '[out]', '-frames:v', '1', join(dir, 'still.png')]);
  // Another picture: warm texture, a teal block and a white one.
  const warm = `format=rgb24,geq=r='min(255,p(X,Y)*1.1+40)':g='p(X,Y)*0.5+30':b='p(X,Y)*0.3+60'`;
  ffmpeg(['-filter_complex', `${texture}[tex];[tex]${warm},${box(80, 48, 120, 160, '0x30a0a0')},${box(320, 80, 96, 96, '0xf0f0f0')}[out]`, '-map', '[out]', '-frames:v', '1', join(dir, 'other.png')]);

  const picture = (name: string) => ['-loop', '1', '-framerate', String(TAKE.fps), '-i', join(dir, name)];
  const frames = ['-frames:v', String(TAKE.frames)];
  const raw = (name: string) => join(dir, `${name}.yuv`);
  const rawIn = (name: string) => ['-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${TAKE.width}x${TAKE.height}`, '-framerate', String(TAKE.fps), '-i', raw(name)];
  // The push-in of each picture once, as raw frames the faulty takes start from.
  for (const name of ['still', 'other']) ffmpeg([...picture(`${name}.png`), '-vf', `${PUSH_IN},format=yuv420p`, ...frames, '-f', 'rawvideo', raw(name)]);
  const encode = (name: string, input: string[], filter: string) => ffmpeg([...input, '-vf', `${filter},format=yuv420p,${TO_709}`, ...frames, ...H264, join(dir, `${name}.mp4`)]);
  encode('clean', rawIn('still'), 'null');
  for (const { name, filter, from } of FAULTY) if (filter) encode(name, from === 'still' ? picture('still.png') : rawIn('still'), filter);
  for (const take of GOOD) if ('filter' in take) encode(take.name, picture('still.png'), take.filter);
  // A still camera on a subject: a yellow block crossing the field at 40 px a second.
  const block = ['-f', 'lavfi', '-i', `color=c=0xd0c020:s=16x24:r=${TAKE.fps}`];
  ffmpeg([...picture('still.png'), ...block, '-filter_complex', `[0]scale=${TAKE.width}:${TAKE.height}:flags=area[bg];[bg][1]overlay=x='60+40*t':y=80:shortest=1,format=yuv420p,${TO_709}`, ...frames, ...H264, join(dir, 'moving-subject.mp4')]);
  // The push-in dissolves into the same push-in of the other picture from 0.5 s to 1.5 s.
  ffmpeg([...rawIn('still'), ...rawIn('other'), '-filter_complex', `xfade=transition=fade:offset=0.5:duration=1,${TO_709}`, ...frames, ...H264, join(dir, 'crossfade.mp4')]);
  // Blocking: the push-in through a starved MPEG-2 encoder (every frame an I-frame), then to H.264 like the rest.
  const starved = join(dir, 'starved.mpg');
  ffmpeg([...rawIn('still'), ...frames, '-c:v', 'mpeg2video', '-q:v', '28', '-g', '1', starved]);
  encode('blocking', ['-i', starved], 'null');
  for (const file of [starved, raw('still'), raw('other')]) rmSync(file);
}

/**
 * A take scored in Node as the Compare node scores it in the browser: frames decoded by ffmpeg
 * (H.264 decodes to the same pixels everywhere), the still made into I420 with the takes' matrix
 * and range (BT.709, studio range, as they are tagged).
 */
export function scoreInNode(file: string, still?: string): TakeScores {
  const { width, height, fps } = TAKE;
  const size = i420Size(width, height);
  const frames = new Uint8Array(execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-'], { maxBuffer: 1 << 28 }));
  const analyser = new TakeAnalyser(still ? stillYuv(still) : undefined);
  for (let i = 0; (i + 1) * size <= frames.length; i++) analyser.add(i420(frames.subarray(i * size, (i + 1) * size), width, height), i / fps);
  return analyser.finish();
}

function stillYuv(still: string): PlanarFrame {
  const rgba = new Uint8Array(execFileSync('ffmpeg', ['-v', 'error', '-i', still, '-f', 'rawvideo', '-pix_fmt', 'rgba', '-']));
  return yuvOfRgba(rgba, STILL.width, STILL.height, { matrix: 'bt709', fullRange: false });
}
