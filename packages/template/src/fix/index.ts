export { fixTemplate } from './fix-template.js';
export type { FixResult } from './fix-template.js';
export { FIXERS } from './fixers/index.js';
export type { Fixer } from './fixer.js';
export { encodeGoJson } from './go-json.js';
