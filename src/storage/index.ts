/** Persistence: the app's IndexedDB database and the stores built on it. No React, no DOM. */
export * from './asset-store';
export * from './database';
export * from './output-cache';
export * from './quota';
export * from './workflow-store';
export * from './secret-store';
export * from './task-journal';
