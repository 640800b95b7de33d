export * from './ai-sdk/index.js';
export * from './errors.js';
export * from './hlc.js';
export { newId } from './ids.js';
export * from './schema.js';
export * from './sync/index.js';
export type * from './types.js';
