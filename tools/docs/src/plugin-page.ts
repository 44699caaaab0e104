import type { PluginDefinition } from '@kiln/sdk';
import { renderOptionsTable } from './options-table.js';

/** What a docs page needs of a plugin (any PluginDefinition fits). */
export type DocumentedPlugin = Pick<PluginDefinition, 'kind' | 'type' | 'description' | 'schema'>;

export const BEGIN_MARKER = '<!-- BEGIN GENERATED: `npm run docs` writes from here to the END marker; edit the rest of the page by hand -->';
export const END_MARKER = '<!-- END GENERATED -->';

/** `docs/plugins/<kind>-<type>.md`, relative to the docs directory. */
export function pageFileName(plugin: DocumentedPlugin): string {
  return `${plugin.kind}-${plugin.type}.md`;
}

/** The generated part of a plugin's page: title, description, options table, between markers. */
export function renderGeneratedBlock(plugin: DocumentedPlugin): string {
  return [
    BEGIN_MARKER,
    `# ${plugin.type} ${plugin.kind}`,
    '',
    plugin.description.trim(),
    '',
    '## Options',
    '',
    renderOptionsTable(plugin.schema).trimEnd(),
    END_MARKER,
  ].join('\n');
}

/**
 * The whole page: the generated block replaced in `existing` (the hand-written rest kept as it
 * is), put on top of a page that has no markers yet, or alone for a new page.
 */
export function renderPluginPage(plugin: DocumentedPlugin, existing?: string): string {
  const block = renderGeneratedBlock(plugin);
  if (existing === undefined || existing.trim() === '') return `${block}\n`;
  const begin = existing.indexOf(BEGIN_MARKER);
  const end = existing.indexOf(END_MARKER, begin);
  if (begin === -1 || end === -1) return `${block}\n\n${existing}`;
  return existing.slice(0, begin) + block + existing.slice(end + END_MARKER.length);
}
