// The output pieces of the kiln command, shared by every verb (build's renderer included).
export { BUILD_COLORS, UI_COLORS, colorize, useColor } from './color.js';
export type { ColorChoice, UiColor } from './color.js';
export { formatDiagnostics, formatErrorList, templateErrorDiagnostic, writeDiagnostics } from './diagnostics.js';
export type { Diagnostic } from './diagnostics.js';
export { displayPath, formatKilnError, formatLocation, kilnErrorFormatter } from './errors.js';
export { createCliLogger } from './log.js';
export type { CliLogger } from './log.js';
export { createCliUi } from './ui.js';
export type { CliUi, CliUiOptions, SecretMasker } from './ui.js';
export { wrapText } from './wrap.js';
