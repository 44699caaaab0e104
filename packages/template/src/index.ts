// Each area keeps its own index; the lead lists these by name once the areas settle.
export * from './json/index.js';
export * from './read/index.js';
export * from './inspect/index.js';
export * from './gotemplate/index.js';
export * from './interpolate/index.js';
export * from './variables/index.js';
export * from './config/index.js';
export * from './plan/index.js';
export * from './schema/index.js';
export * from './fix/index.js';
export type * from './model.js';
export type * from './json/ast.js';
