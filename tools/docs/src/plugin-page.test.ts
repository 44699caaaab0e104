import { describe, expect, it } from 'vitest';
import { BEGIN_MARKER, END_MARKER, pageFileName, renderPluginPage, type DocumentedPlugin } from './plugin-page.js';

const plugin: DocumentedPlugin = {
  kind: 'post-processor',
  type: 'manifest',
  description: 'Writes the artifacts of every build into a JSON file.',
  schema: { type: 'object', properties: { output: { type: 'string', default: 'packer-manifest.json' } } },
};

describe('renderPluginPage', () => {
  it('names the page after the kind and type', () => {
    expect(pageFileName(plugin)).toBe('post-processor-manifest.md');
  });

  it('writes a new page: title, description and the options table between markers', () => {
    const page = renderPluginPage(plugin);
    expect(page).toBe(
      [
        BEGIN_MARKER,
        '# manifest post-processor',
        '',
        'Writes the artifacts of every build into a JSON file.',
        '',
        '## Options',
        '',
        '| Option | Type | Default | Required | Description |',
        '| --- | --- | --- | --- | --- |',
        '| `output` | string | `packer-manifest.json` |  |  |',
        END_MARKER,
        '',
      ].join('\n'),
    );
  });

  it('replaces only the generated block and keeps the hand-written rest', () => {
    const handWritten = '\n\n## Example\n\n```json\n{"type": "manifest"}\n```\n';
    const stale = `<!-- a note above -->\n${BEGIN_MARKER}\n# old title\n${END_MARKER}${handWritten}`;
    const page = renderPluginPage(plugin, stale);
    expect(page.startsWith(`<!-- a note above -->\n${BEGIN_MARKER}\n# manifest post-processor\n`)).toBe(true);
    expect(page.endsWith(`${END_MARKER}${handWritten}`)).toBe(true);
    expect(renderPluginPage(plugin, page)).toBe(page);
  });

  it('puts the block on top of a hand-written page that has no markers yet', () => {
    expect(renderPluginPage(plugin, 'Notes.\n')).toBe(`${renderPluginPage(plugin)}\nNotes.\n`);
  });
});
