export { renderOptionsTable } from './options-table.js';
export { BEGIN_MARKER, END_MARKER, pageFileName, renderGeneratedBlock, renderPluginPage } from './plugin-page.js';
export type { DocumentedPlugin } from './plugin-page.js';
export { generatePluginDocs } from './generate.js';
export type { GenerateOptions, GenerateReport } from './generate.js';
export { loadBundledPlugins, runDocsCli } from './cli.js';
export type { DocsCliOptions } from './cli.js';
