import type { JsonSchema } from '@kiln/sdk';
import { describePluginOptions, type PluginOption } from '@kiln/template';

/**
 * The Markdown table of a plugin's options (option, type, default, required, description),
 * generated from its schema so that the docs and validation can never disagree.
 */
export function renderOptionsTable(schema: JsonSchema): string {
  const options = describePluginOptions(schema);
  if (options.length === 0) return 'This plugin has no options.\n';
  const rows = options.map((option) =>
    [code(option.name), option.type, option.default === undefined ? '' : code(showDefault(option.default)), option.required ? 'yes' : '', describe(option)]
      .map(cell)
      .join(' | '),
  );
  return ['| Option | Type | Default | Required | Description |', '| --- | --- | --- | --- | --- |', ...rows.map((row) => `| ${row} |`)].join('\n') + '\n';
}

function describe(option: PluginOption): string {
  return [
    option.deprecated ? '**Deprecated.**' : '',
    option.description,
    option.enum ? `One of ${option.enum.map((value) => code(showDefault(value))).join(', ')}.` : '',
    option.duration ? 'A Go duration (`300ms`, `5m`, `1h30m`).' : '',
    option.lateRender ? 'Rendered at run time, so it may use `{{ .Field }}` data.' : '',
    option.secret ? 'Secret: masked in output.' : '',
  ]
    .filter((part) => part !== '')
    .join(' ');
}

/** Strings as written (`5m`), anything else as JSON (`22`, `["md5"]`). */
function showDefault(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Inline code that survives any backticks inside it. */
function code(text: string): string {
  const fence = '`'.repeat(longestBacktickRun(text) + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

function longestBacktickRun(text: string): number {
  return Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
}

/** A table cell: one line, pipes escaped. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}
