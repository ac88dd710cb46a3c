import { describe, expect, it } from 'vitest';
import { loadWorkflow, migrateParams } from '../../src/engine';
import { usesDepth, type MotionSpec } from '../../src/media/motion/parallax';
import { createRegistry } from '../../src/nodes';
import localMotion from '../../src/nodes/local-motion';
import { motionGraph } from '../browser/graphs';

const V1 = { move: 'pan-left', intensity: 0.7, easing: 'linear', duration: 3, fps: '25', resolution: '720p', handheld: 0.2, seed: 9 };

describe('Local motion params', () => {
  it('lifts a version-1 node to a flat move: no parallax, no ambient motion, no sound, as it rendered then', () => {
    const lifted = migrateParams(localMotion, V1, 1);
    expect(lifted).toEqual({ ...V1, parallax: 0 });
    const loaded = loadWorkflow(motionGraph('v1', { motion: V1 }), createRegistry());
    expect(loaded).toMatchObject({ ok: true, warnings: [] });
    if (!loaded.ok) return;
    const params = loaded.document.nodes.find((n) => n.id === 'motion')!.params;
    expect(params).toMatchObject({ ...V1, parallax: 0, ambient: 'none', sound: 'none', renderer: 'auto' });
    expect(usesDepth(params as unknown as MotionSpec)).toBe(false);
  });

  it('gives new nodes depth parallax by default', () => {
    const defaults = Object.fromEntries(Object.entries(localMotion.params).map(([k, spec]) => [k, spec.default]));
    expect(defaults).toMatchObject({ parallax: 0.5, ambient: 'none', sound: 'none', renderer: 'auto' });
    expect(usesDepth(defaults as unknown as MotionSpec)).toBe(true);
  });
});
