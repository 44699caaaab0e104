export { parseVarArg } from './var-arg.js';
export { readVarFile } from './var-file.js';
export { resolveVariables } from './resolve.js';
export type { ResolveVariablesOptions, ResolvedVariables } from './resolve.js';
export { createSecretMasker } from './secret-masker.js';
