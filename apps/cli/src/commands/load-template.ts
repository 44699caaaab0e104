import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { JsonSyntaxError, loadTemplate, templateParseErrorText } from '@kiln/template/read';
import type { Template } from '@kiln/template/read';
import type { CliIO } from '../io.js';
import { formatLocation } from '../output/errors.js';
import type { CliUi } from '../output/ui.js';

const GO_STAT_TEXT: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  ENOTDIR: 'not a directory',
  ELOOP: 'too many levels of symbolic links',
};

/**
 * Reads the TEMPLATE argument of validate, inspect, console and build, reporting failures on
 * the UI as Packer does (`"x.json": stat x.json: no such file or directory`, `Failed to parse
 * template: ...`). Returns undefined after reporting. Kiln reads JSON templates only: an HCL2
 * file or directory is refused with a clear message.
 */
export async function loadTemplateForCommand(path: string, io: CliIO, ui: CliUi): Promise<Template | undefined> {
  if (path !== '-') {
    const absolute = resolve(io.cwd, path);
    try {
      const info = await stat(absolute);
      if (info.isDirectory() || /\.pkr\.(hcl|json)$/.test(path)) {
        ui.error(
          `${JSON.stringify(path)}: HCL2 templates (*.pkr.hcl, *.pkr.json, directories) are not supported; ` +
            'Kiln reads Packer JSON templates',
        );
        return undefined;
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      ui.error(`${JSON.stringify(path)}: stat ${path}: ${GO_STAT_TEXT[code] ?? (error as Error).message}`);
      return undefined;
    }
  }
  try {
    return await loadTemplate(path, { cwd: io.cwd, ...(path === '-' ? { stdin: io.stdin } : {}) });
  } catch (error) {
    ui.error(describeTemplateError(error, io.cwd));
    return undefined;
  }
}

/**
 * Packer's `Failed to parse template: ...` text. For a JSON syntax error Kiln also names the
 * file and the true line:column of the bad character, where Packer only gives its own count.
 */
export function describeTemplateError(error: unknown, cwd: string): string {
  const text = templateParseErrorText(error);
  if (error instanceof JsonSyntaxError && error.position) {
    const where = `${formatLocation(error.position, cwd)}: `;
    return text.replace(/^Failed to parse template: /, (prefix) => prefix + where);
  }
  return text;
}
