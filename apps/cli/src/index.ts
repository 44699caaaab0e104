export { main, extractMachineReadable } from './main.js';
export { processIO } from './io.js';
export type { CliIO } from './io.js';
export type { CliCommand } from './command.js';
export { BUNDLED_PLUGIN_LOADERS, bundledPlugins, createBundledPluginRegistry } from './plugins.js';
export { KILN_VERSION } from './version.js';
export { parseFlags } from './flags/parse.js';
export type { FlagParseResult } from './flags/parse.js';
export { boolFlag, enumFlag, intFlag, keyValueFlag, listFlag, repeatedFlag, stringFlag } from './flags/types.js';
export type { FlagSpecs, FlagType, FlagValues } from './flags/types.js';
export {
  BUILD_COLORS,
  UI_COLORS,
  colorize,
  createCliLogger,
  createCliUi,
  displayPath,
  formatDiagnostics,
  formatErrorList,
  formatKilnError,
  formatLocation,
  kilnErrorFormatter,
  templateErrorDiagnostic,
  useColor,
  wrapText,
  writeDiagnostics,
} from './output/index.js';
export { describeTemplateError, loadTemplateForCommand } from './commands/load-template.js';
export type { CliLogger, CliUi, CliUiOptions, ColorChoice, Diagnostic, SecretMasker, UiColor } from './output/index.js';
