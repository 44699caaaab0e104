export { readTemplate } from './read-template.js';
export { loadTemplate } from './load-template.js';
export type { LoadTemplateOptions } from './load-template.js';
export { checkTemplate, checkTemplateErrorText } from './check-template.js';
export { KILN_PACKER_COMPAT_VERSION, checkMinPackerVersion } from './min-version.js';
export { templateParseErrorText } from './error-text.js';
export { goMultiErrorText, mapstructureErrorText } from './go/error-text.js';
