import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runKiln } from './run-kiln.js';

function workdir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kiln-validate-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const NULL_NONE = '{"builders":[{"type":"null","communicator":"none"}]}';

// Expected outputs follow Packer 1.6.6 on the same templates; Kiln adds `file:line:column: key: `
// before each message (on purpose).
describe('kiln validate', () => {
  it('is silent and exits 0 on a valid template, whatever -only names', async () => {
    const cwd = workdir({ 't.json': NULL_NONE });
    expect(await runKiln(['validate', 't.json'], { cwd })).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await runKiln(['validate', '-only=nothing', 't.json'], { cwd })).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('says so after a syntax-only check, which skips the template checks', async () => {
    const cwd = workdir({ 't.json': '{"variables":{"r":null},"min_packer_version":"9.0","builders":[{"type":"null"}]}' });
    expect(await runKiln(['validate', '-syntax-only', 't.json'], { cwd })).toEqual({
      code: 0,
      stdout: 'Syntax-only check passed. Everything looks okay.\n',
      stderr: '',
    });
  });

  it('reports the template checks as Packer, each message located', async () => {
    const cwd = workdir({
      't.json': '{"builders":[{"type":"null","communicator":"none"}],\n"provisioners":[{"type":"shell","only":["zz"]}]}',
    });
    expect(await runKiln(['validate', 't.json'], { cwd })).toEqual({
      code: 1,
      stdout:
        'Error: \n\n1 error occurred:\n' +
        "\t* t.json:2:41: provisioners[0].only[0]: provisioner 1: 'only' specified builder\n'zz' not found\n\n\n\n\n",
      stderr: '',
    });
  });

  it('reports min_packer_version as the bare sentence Packer prints', async () => {
    const cwd = workdir({ 't.json': '{"min_packer_version":"9.0","builders":[{"type":"null","communicator":"none"}]}' });
    const run = await runKiln(['validate', 't.json'], { cwd });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      'Error: \n\nt.json:1:23: min_packer_version: This template requires Packer version 9.0.0 or\nhigher; using 1.6.6\n\n\n',
    );
  });

  it('lists every missing required variable', async () => {
    const cwd = workdir({ 't.json': '{"variables":{"r":null,"q":null},"builders":[{"type":"null","communicator":"none"}]}' });
    const run = await runKiln(['validate', 't.json'], { cwd });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      'Error: \n\n2 errors occurred:\n' +
        '\t* t.json:1:15: required variable not set: r\n\t* t.json:1:24: required variable not set: q\n\n\n\n\n',
    );
    expect((await runKiln(['validate', '-var', 'r=1', '-var=q=2', 't.json'], { cwd })).code).toBe(0);
  });

  it('reports builds that fail to initialize or prepare, by build name', async () => {
    const cwd = workdir({
      't.json': '{"builders":[{"type":"nope"},{"type":"null","name":"c","communicator":"none","bogus":1}]}',
    });
    const run = await runKiln(['validate', 't.json'], { cwd });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /^Error: Failed to prepare build: "c"\n\n1 error occurred:\n\t\* t\.json:1:\d+: builders\[1\]\.bogus: unknown configuration key: '"bogus"'\n\n\n\n/,
    );
    expect(run.stdout).toMatch(
      /\nError: Failed to initialize build "nope"\n\nt\.json:1:\d+: builders\[0\]\.type: error initializing builder 'nope': Unknown\nbuilder nope\n/,
    );
  });

  it('masks sensitive values in errors, machine-readable included (Packer leaks them there)', async () => {
    const cwd = workdir({
      't.json': '{"variables":{"pw":"bogus"},"sensitive-variables":["pw"],"builders":[{"type":"null","communicator":"none","bogus":"x"}]}',
    });
    const human = await runKiln(['validate', 't.json'], { cwd });
    expect(human.stdout).toContain(`unknown configuration key: '"<sensitive>"'`);
    expect(human.stdout).not.toContain('bogus');
    const machine = await runKiln(['validate', '-machine-readable', 't.json'], { cwd });
    expect(machine.stdout).toMatch(/^\d+,,ui,error,Error: Failed to prepare build: "null"\\n\\n1 error occurred:\\n\t\* /);
    expect(machine.stdout).not.toContain('bogus');
  });

  it('reads -var-file files before anything else and reports them as Packer', async () => {
    const cwd = workdir({ 't.json': NULL_NONE, 'num.json': '{"a":1}' });
    expect(await runKiln(['validate', '-syntax-only', '-var-file=nope.json', 't.json'], { cwd })).toEqual({
      code: 1,
      stdout: 'open nope.json: no such file or directory\n',
      stderr: '',
    });
    expect((await runKiln(['validate', '-var-file', 'num.json', 't.json'], { cwd })).stdout).toBe(
      "Error reading variables in 'num.json': json: cannot unmarshal number into Go value of type string\n",
    );
  });

  it('prints usage on flag and argument mistakes, exit 1', async () => {
    const none = await runKiln(['validate']);
    expect(none.code).toBe(1);
    expect(none.stdout).toMatch(/^Usage: kiln validate \[options\] TEMPLATE\n\n {2}Checks the template is valid/);
    for (const [argv, last] of [
      [['validate', '-var', 'a', 't.json'], `invalid value "a" for flag -var: No '=' value in arg: a\n`],
      [['validate', '--bogus', 't.json'], 'flag provided but not defined: -bogus\n'],
      [['validate', 'a.json', 'b.json'], '-var-file=path         JSON file containing user variables.\n'],
    ] as const) {
      const run = await runKiln(argv);
      expect(run.code).toBe(1);
      expect(run.stdout.startsWith(none.stdout)).toBe(true);
      expect(run.stdout.endsWith(last)).toBe(true);
    }
  });

  it('reads the template from standard input with "-"', async () => {
    const run = await runKiln(['validate', '-syntax-only', '-'], { stdin: NULL_NONE, cwd: tmpdir() });
    expect(run).toEqual({ code: 0, stdout: 'Syntax-only check passed. Everything looks okay.\n', stderr: '' });
  });
});
