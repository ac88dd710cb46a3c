/** Video quality metrics on planar frames: plain functions shared by the worker, the CLI and tests. */
export * from './frame';
export * from './ssim';
export * from './psnr';
export * from './sharpness';
export * from './motion';
export * from './identity';
export * from './camera';
export * from './choices';
export * from './audio';
export * from './take';
export * from './rank';
export * from './report';
