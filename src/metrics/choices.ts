/** The camera moves Compare checks takes for, and their names in its words; data only, so node cards load it without the metrics. */
export const CAMERA_MOVES = ['static', 'push-in', 'pull-out', 'pan-left', 'pan-right', 'tilt-up', 'tilt-down'] as const;
export type CameraMove = (typeof CAMERA_MOVES)[number];
export type RequestedMove = CameraMove | 'any';

const MOVE_NAMES: Record<RequestedMove, string> = {
  any: 'move',
  static: 'hold still',
  'push-in': 'push in',
  'pull-out': 'pull out',
  'pan-left': 'pan left',
  'pan-right': 'pan right',
  'tilt-up': 'tilt up',
  'tilt-down': 'tilt down',
};

export function moveName(move: RequestedMove): string {
  return MOVE_NAMES[move];
}
