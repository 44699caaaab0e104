/** One line per verb for `kiln -h`, apart from the commands so that listing them loads none. */
export const COMMAND_SYNOPSES: Readonly<Record<string, string>> = {
  build: 'build image(s) from template',
  cleanup: 'deletes cloud resources that killed builds left behind',
  console: 'creates a console for testing variable interpolation',
  fix: 'fixes templates from old versions of packer',
  inspect: 'see components of a template',
  schema: 'prints the JSON Schema of templates, for editors',
  validate: 'check that a template is valid',
  version: 'Prints the Kiln version',
};

export function synopsisOf(verb: string): string {
  return COMMAND_SYNOPSES[verb] ?? '';
}
