import type { Template } from '../model.js';
import { compareGoStrings, goLength } from '../read/go/values.js';

/**
 * Where inspect writes. Packer calls both for every row: in human mode the CLI prints say() and
 * drops machine(); with -machine-readable it turns say() into `ui,say,<text>` rows and machine()
 * into `,<type>,<data...>` rows (see machineReadableRow).
 */
export interface InspectSink {
  say(text: string): void;
  machine(type: string, ...data: string[]): void;
}

const SENSITIVE = '<sensitive>';

/**
 * `packer inspect` of a JSON template, as Packer 1.6.6 prints it (packer/core.go InspectConfig):
 * description, required variables, optional variables with their raw defaults (sorted, `=`
 * aligned), builders (sorted, `name (type)` when the name is not the type), provisioners in
 * template order, and the closing note. Post-processors are not listed.
 *
 * Masking reproduces Packer's quirk on purpose, for output parity: a variable shows
 * `<sensitive>` when its default equals the default of a sensitive variable that has not been
 * masked yet. Packer visits variables in Go map order, so which ones that hits varies from run to
 * run; here they are visited in template order, which is one of Packer's possible orders.
 */
export function inspectTemplate(template: Template, sink: InspectSink): void {
  sink.say('Packer Inspect: JSON mode');
  if (template.description !== undefined && template.description !== '') {
    sink.say('Description:\n');
    sink.say(`${template.description}\n`);
  }
  sayVariables(template, sink);
  sink.say('');
  sayBuilders(template, sink);
  sink.say('');
  sink.say('Provisioners:\n');
  if (template.provisioners.length === 0) sink.say('  <No provisioners>');
  for (const provisioner of template.provisioners) {
    sink.machine('template-provisioner', provisioner.type);
    sink.say(`  ${provisioner.type}`);
  }
  sink.say(
    '\nNote: If your build names contain user variables or template\n' +
      "functions such as 'timestamp', these are processed at build time,\n" +
      'and therefore only show in their raw form here.',
  );
}

function sayVariables(template: Template, sink: InspectSink): void {
  const { variables } = template;
  if (variables.length === 0) {
    sink.say('Variables:\n');
    sink.say('  <No variables>');
    return;
  }
  // Packer's Variable.Default is "" for a required variable; inspect overwrites it in place.
  const defaults = new Map(variables.map((variable) => [variable.name, variable.default ?? '']));
  const sensitive = variables.filter((variable) => variable.sensitive).map((variable) => variable.name);
  const mask = (name: string) => {
    for (const sensitiveName of sensitive) {
      if (defaults.get(sensitiveName) === defaults.get(name)) defaults.set(name, SENSITIVE);
    }
  };

  let requiredHeader = false;
  for (const variable of variables) {
    mask(variable.name);
    if (variable.default !== null) continue;
    if (!requiredHeader) {
      requiredHeader = true;
      sink.say('Required variables:\n');
    }
    sink.machine('template-variable', variable.name, defaults.get(variable.name)!, '1');
    sink.say(`  ${variable.name}`);
  }
  if (requiredHeader) sink.say('');

  sink.say('Optional variables and their defaults:\n');
  const width = Math.max(...variables.map((variable) => goLength(variable.name)));
  const sorted = [...variables].sort((a, b) => compareGoStrings(a.name, b.name));
  for (const variable of sorted) {
    if (variable.default === null) continue;
    mask(variable.name);
    const value = defaults.get(variable.name)!;
    sink.machine('template-variable', variable.name, value, '0');
    sink.say(`  ${variable.name}${' '.repeat(width - goLength(variable.name))} = ${value}`);
  }
}

function sayBuilders(template: Template, sink: InspectSink): void {
  sink.say('Builders:\n');
  if (template.builders.length === 0) {
    sink.say('  <No builders>');
    return;
  }
  const width = Math.max(...template.builders.map((builder) => goLength(builder.rawName)));
  const sorted = [...template.builders].sort((a, b) => compareGoStrings(a.rawName, b.rawName));
  for (const builder of sorted) {
    // Padded even without the type after it: Packer leaves those trailing spaces.
    let line = `  ${builder.rawName}${' '.repeat(width - goLength(builder.rawName))}`;
    if (builder.rawName !== builder.type) line += ` (${builder.type})`;
    sink.machine('template-builder', builder.rawName, builder.type);
    sink.say(line);
  }
}
