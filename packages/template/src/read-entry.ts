// `@kiln/template/read`: reading, checking and inspecting a template, and the variable files and
// flags, without the Go template engine or schema validation. The kiln bundle loads only what
// its importers reach, and a re-export barrel makes everything it names reachable: `kiln inspect`
// and `kiln validate -syntax-only` import this one rather than the package's full index, so
// their start-up skips the code they never run.
export { JsonSyntaxError } from './json/errors.js';
export { loadTemplate } from './read/load-template.js';
export { checkTemplate } from './read/check-template.js';
export { templateParseErrorText } from './read/error-text.js';
export { goMultiErrorText } from './read/go/error-text.js';
export { inspectTemplate } from './inspect/inspect.js';
export { machineReadableRow } from './inspect/machine-readable.js';
export { createSecretMasker } from './variables/secret-masker.js';
export { parseVarArg } from './variables/var-arg.js';
export { readVarFile } from './variables/var-file.js';
export type * from './model.js';
export type { ResolvedVariables } from './variables/resolve.js';
