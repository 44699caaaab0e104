export { decodePluginConfig } from './decode.js';
export type { DecodeOptions, DecodeResult } from './decode.js';
