/**
 * Preview geometry: frames fit the preview box, and Upscale's preview (the centre of the result at
 * 1:1, made from only the source pixels it needs) shows the run's own pixels at 2x and 4x.
 */
import { describe, expect, it } from 'vitest';
import { centreCrop, fitInside } from '../../src/media/preview/geometry';
import { cropPixels, upscaleStrip } from '../../src/media/preview/upscale';
import { resampleLanczos, type RgbaImage } from '../../src/media/resample/lanczos';
import { renderSampleScene } from '../../src/media/sample-scene';

const BOX = { width: 640, height: 360 };

/** The view of Upscale's preview, from the strip the preview resamples (on the CPU), at a target size. */
async function previewView(source: RgbaImage, width: number, height: number, sharpen: number): Promise<RgbaImage> {
  const { strip, x, y } = await upscaleStrip(source, [width, height], { sharpen, backend: 'cpu' }, BOX);
  return cropPixels(strip, x.offset, y.offset, x.shown, y.shown);
}

/** The same view cut from the whole result, as the run makes it. */
function runView(source: RgbaImage, width: number, height: number, sharpen: number): RgbaImage {
  const whole = resampleLanczos(source, width, height, { sharpen });
  const [shownW, shownH] = [Math.min(BOX.width, width), Math.min(BOX.height, height)];
  return cropPixels(whole, Math.floor((width - shownW) / 2), Math.floor((height - shownH) / 2), shownW, shownH);
}

const scene = (width: number, height: number): RgbaImage => ({ data: renderSampleScene(width, height, 7), width, height });

describe('fitInside', () => {
  it('keeps the aspect and fills the box on one side, up or down', () => {
    expect(fitInside(1920, 1080, BOX)).toEqual([640, 360]);
    expect(fitInside(320, 180, BOX)).toEqual([640, 360]);
    expect(fitInside(1080, 1920, BOX)).toEqual([203, 360]);
    expect(fitInside(1000, 1000, BOX)).toEqual([360, 360]);
  });
});

describe("Upscale's preview", () => {
  it.each([
    ['2x', 500, 300, 2, 0.2],
    ['4x', 211, 123, 4, 0.5],
    ['2x, no sharpen, odd sizes', 397, 241, 2, 0],
  ])('shows the run’s own pixels at the centre at %s', async (_, width, height, factor, sharpen) => {
    const source = scene(width, height);
    const preview = await previewView(source, width * factor, height * factor, sharpen);
    expect([preview.width, preview.height]).toEqual([640, 360]);
    expect(Buffer.from(preview.data).equals(Buffer.from(runView(source, width * factor, height * factor, sharpen).data))).toBe(true);
  });

  it('shows the whole result when it is smaller than the box', async () => {
    const source = scene(150, 90);
    const preview = await previewView(source, 300, 180, 0.2);
    expect([preview.width, preview.height]).toEqual([300, 180]);
    expect(Buffer.from(preview.data).equals(Buffer.from(resampleLanczos(source, 300, 180, { sharpen: 0.2 }).data))).toBe(true);
  });

  it('resamples only a strip around the view, however large the picture', () => {
    const x = centreCrop(4000, 8000, 640);
    expect(x.count).toBeLessThan(340);
    expect(x.offset + x.shown).toBeLessThanOrEqual(x.resampled);
  });

  it('stays close to the run at a fitted target size, a fraction of a pixel off its grid (measured: 0.1 levels on average)', async () => {
    const source = scene(640, 360);
    const [width, height] = [1517, 853];
    const preview = await previewView(source, width, height, 0.2);
    const run = runView(source, width, height, 0.2);
    let sum = 0;
    for (let i = 0; i < run.data.length; i++) sum += Math.abs(preview.data[i]! - run.data[i]!);
    expect(sum / run.data.length).toBeLessThan(0.5);
  });
});
