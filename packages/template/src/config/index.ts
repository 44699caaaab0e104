export { decodePluginConfig } from './decode.js';
export type { DecodeOptions, DecodeResult } from './decode.js';
export { loadSchemaCompiler, loadValidator, usePrecompiledValidator } from './validator.js';
