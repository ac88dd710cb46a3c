/** The engine's public surface: workflow model, loading, evaluation. No DOM, no React. */
export * from './assets';
export * from './cache';
export * from './document-rules';
export * from './engine';
export * from './events';
export * from './graph';
export * from './hash';
export * from './limiter';
export * from './node-definition';
export * from './params';
export * from './ports';
export * from './registry';
export * from './services';
export * from './values';
export * from './workflow';
export * from './workflow-load';
