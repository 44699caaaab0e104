export { parseJson } from './parse.js';
export type { ParseJsonOptions } from './parse.js';
export {
  JsonDuplicateKeyError,
  JsonNumberRangeError,
  JsonSyntaxError,
  formatJsonSyntaxError,
} from './errors.js';
export type { JsonSyntaxErrorDetails } from './errors.js';
export { findJsonNode, formatKeyPath, getEntry, jsonToValue, parseKeyPath } from './value.js';
export type { JsonValue, KeyPathSegment } from './value.js';
