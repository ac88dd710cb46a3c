/** The camera moves, easings and ambient motions Local motion offers; data only, so node cards load it without the renderers. */
export const MOVES = ['none', 'push-in', 'pull-out', 'pan-left', 'pan-right', 'tilt-up', 'tilt-down', 'orbit-left', 'orbit-right', 'dolly-zoom-in', 'dolly-zoom-out'] as const;
export type Move = (typeof MOVES)[number];

export const EASINGS = ['linear', 'ease-in-out', 'ease-out'] as const;
export type Easing = (typeof EASINGS)[number];

export const AMBIENTS = ['none', 'shimmer', 'sway'] as const;
export type Ambient = (typeof AMBIENTS)[number];
