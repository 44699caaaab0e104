import { describe, expect, it } from 'vitest';
import { checkTemplate, checkTemplateErrorText, readTemplate } from './index.js';

/**
 * What `packer validate` prints for template-level problems: a diagnostic `Error: ` with an empty
 * summary and checkTemplateErrorText as its detail (the CLI owns that frame; repeated here only
 * to compare whole outputs), or nothing at all.
 */
function validate(text: string): [number, string] {
  const errors = checkTemplate(readTemplate(text, '/tmp/t.json'));
  if (errors.length === 0) return [0, ''];
  return [1, `Error: \n\n${checkTemplateErrorText(errors)}\n\n\n`];
}

/** Packer walks `override` as a Go map (random order); compare those lines as a set. */
function sortOverrideLines(text: string): string {
  const lines = text.split('\n');
  const overrides = lines.filter((line) => line.includes(': override ')).sort();
  let next = 0;
  return lines.map((line) => (line.includes(': override ') ? overrides[next++]! : line)).join('\n');
}

// [template, rc, output] of `packer validate` (Packer 1.6.6), captured from the binary. The
// builders (null, communicator none), provisioners (shell-local inline) and post-processors
// (manifest) prepare cleanly, so only template-level problems show.
const PACKER_VALIDATE: readonly (readonly [string, number, string])[] = [
  ["{\"builders\":[{\"type\":\"null\",\"communicator\":\"none\"},{\"type\":\"null\",\"name\":\"n2\",\"communicator\":\"none\"}]}", 0, ""],
  ["{}", 1, "Error: \n\n1 error occurred:\n\t* at least one builder must be defined\n\n\n\n\n"],
  ["{\"builders\":[]}", 1, "Error: \n\n1 error occurred:\n\t* at least one builder must be defined\n\n\n\n\n"],
  ["null", 1, "Error: \n\n1 error occurred:\n\t* at least one builder must be defined\n\n\n\n\n"],
  ["{\"builders\":[{\"type\":\"null\",\"communicator\":\"none\"},{\"type\":\"null\",\"name\":\"n2\",\"communicator\":\"none\"}],\"provisioners\":[{\"type\":\"shell-local\",\"inline\":[\"true\"],\"only\":[\"x\",\"null\"],\"except\":[\"y\"]},{\"type\":\"shell-local\",\"inline\":[\"true\"],\"only\":[\"x\",\"null\",\"z\"]},{\"type\":\"shell-local\",\"inline\":[\"true\"],\"except\":[\"q\"],\"override\":{\"nope\":{},\"null\":{}, \"a\":{}}}], \"post-processors\":[{\"type\":\"manifest\",\"only\":[\"zz\"],\"except\":[\"n2\"]},[{\"type\":\"manifest\",\"except\":[\"zz\"]}]],\"min_packer_version\":\"9.0\"}", 1, "Error: \n\n8 errors occurred:\n\t* provisioner 1: only one of 'only' or 'except' may be specified\n\t* provisioner 2: 'only' specified builder 'x' not found\n\t* provisioner 2: 'only' specified builder 'z' not found\n\t* provisioner 3: 'except' specified builder 'q' not found\n\t* provisioner 3: override 'a' doesn't exist\n\t* provisioner 3: override 'nope' doesn't exist\n\t* post-processor 1.1: only one of 'only' or 'except' may be specified\n\t* post-processor 2.1: 'except' specified builder 'zz' not found\n\n\n\n\n"],
  ["{\"builders\":[{\"type\":\"null\",\"communicator\":\"none\"},{\"type\":\"null\",\"name\":\"n2\",\"communicator\":\"none\"}],\"min_packer_version\":\"1.7\"}", 1, "Error: \n\nThis template requires Packer version 1.7.0 or higher; using 1.6.6\n\n\n"],
  ["{\"builders\":[{\"type\":\"null\",\"communicator\":\"none\"},{\"type\":\"null\",\"name\":\"n2\",\"communicator\":\"none\"}],\"min_packer_version\":\"1.6.6\"}", 0, ""],
  ["{\"builders\":[{\"type\":\"null\",\"communicator\":\"none\"},{\"type\":\"null\",\"name\":\"n2\",\"communicator\":\"none\"}],\"min_packer_version\":\"v1.6.5\"}", 0, ""],
  ["{\"builders\":[{\"type\":\"null\",\"communicator\":\"none\"},{\"type\":\"null\",\"name\":\"n2\",\"communicator\":\"none\"}],\"min_packer_version\":\"1.6.6-rc1\"}", 0, ""],
  ["{\"builders\":[{\"type\":\"null\",\"communicator\":\"none\"},{\"type\":\"null\",\"name\":\"n2\",\"communicator\":\"none\"}],\"min_packer_version\":\"1.6.6.1\"}", 1, "Error: \n\nThis template requires Packer version 1.6.6.1 or higher; using 1.6.6\n\n\n"],
  ["{\"builders\":[{\"type\":\"null\",\"communicator\":\"none\"},{\"type\":\"null\",\"name\":\"n2\",\"communicator\":\"none\"}],\"min_packer_version\":\"1.7-rc1+x\"}", 1, "Error: \n\nThis template requires Packer version 1.7.0-rc1+x or higher; using 1.6.6\n\n\n"],
  ["{\"builders\":[{\"type\":\"null\",\"communicator\":\"none\"},{\"type\":\"null\",\"name\":\"n2\",\"communicator\":\"none\"}],\"min_packer_version\":\"1.2.x\"}", 1, "Error: \n\nmin_version is invalid: Malformed version: 1.2.x\n\n\n"],
  ["{\"builders\":[{\"type\":\"null\",\"communicator\":\"none\"},{\"type\":\"null\",\"name\":\"n2\",\"communicator\":\"none\"}],\"min_packer_version\":\"\"}", 0, ""],
  ["{\"min_packer_version\":\"9\"}", 1, "Error: \n\n1 error occurred:\n\t* at least one builder must be defined\n\n\n\n\n"],
  ["{\"builders\":[{\"type\":\"null\",\"communicator\":\"none\"},{\"type\":\"null\",\"name\":\"n2\",\"communicator\":\"none\"}],\"provisioners\":[{\"type\":\"shell-local\",\"inline\":[\"true\"],\"only\":\"n2\"},{\"type\":\"shell-local\",\"inline\":[\"true\"],\"except\":\"nope\"}],\"post-processors\":[\"manifest\",{\"type\":\"manifest\",\"only\":[\"n2\",\"null\"]}]}", 1, "Error: \n\n1 error occurred:\n\t* provisioner 2: 'except' specified builder 'nope' not found\n\n\n\n\n"],
  ["{\"builders\":[{\"type\":\"null\",\"name\":\"{{user `x`}}\",\"communicator\":\"none\"}],\"variables\":{\"x\":\"y\"},\"provisioners\":[{\"type\":\"shell-local\",\"inline\":[\"true\"],\"only\":[\"y\"]}]}", 1, "Error: \n\n1 error occurred:\n\t* provisioner 1: 'only' specified builder 'y' not found\n\n\n\n\n"],
];

describe('checkTemplate matches `packer validate`', () => {
  it.each(PACKER_VALIDATE)('%s', (template, rc, output) => {
    const [ourRc, ourOutput] = validate(template);
    expect(ourRc).toBe(rc);
    expect(sortOverrideLines(ourOutput)).toBe(sortOverrideLines(output));
  });
});
