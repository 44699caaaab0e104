export { inspectTemplate } from './inspect.js';
export type { InspectSink } from './inspect.js';
export { machineReadableRow } from './machine-readable.js';
