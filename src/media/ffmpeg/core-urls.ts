/**
 * Where our build serves ffmpeg.wasm's core, wasm and class worker. Its own module, imported only
 * when ffmpeg loads, so code that merely lists nodes (the CLI, in Node) never evaluates `?url`.
 */
export { default as coreURL } from '@ffmpeg/core?url';
export { default as wasmURL } from '@ffmpeg/core/wasm?url';
export { default as classWorkerURL } from '@ffmpeg/ffmpeg/worker?worker&url';
