import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runKiln } from './run-kiln.js';

function templateDir(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'kiln-console-'));
  writeFileSync(join(dir, 't.json'), text);
  return dir;
}

// Expected results: `echo ... | packer console` (Packer 1.6.6), with the clock pinned by runKiln
// (2020-12-16T10:00:00Z). Beyond Packer: errors say `Error:` (Packer: `???????:`) and exit 1.
describe('kiln console, piped input', () => {
  it.each([
    ['{{timestamp}}', '1608112800\n'],
    ['{{isotime "2006-01-02"}}', '2020-12-16\n'],
    ['  {{upper "a"}}  ', 'A\n'],
    ['{{ .Foo }}', '<no value>\n'],
    ['{{user `nope`}}', '\n'],
    ['', '\n'],
  ])('prints the result of %j', async (line, output) => {
    expect(await runKiln(['console'], { stdin: `${line}\n` })).toEqual({ code: 0, stdout: output, stderr: '' });
  });

  it('evaluates every line but prints only the last result, reading past "exit"', async () => {
    const run = await runKiln(['console'], { stdin: '{{upper "a"}}\nexit\n{{upper "z"}}\n' });
    expect(run).toEqual({ code: 0, stdout: 'Z\n', stderr: '' });
  });

  it('shows interpolation errors as Packer diagnostics, wrapped at 80 columns', async () => {
    const run = await runKiln(['console'], { stdin: '{{env `HOME`}}\n{{upper "y"}}\n' });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      'Error: Interpolation error\n\n' +
        'template: root:1:2: executing "root" at <env `HOME`>: error calling env: env\nvars are not allowed here\n\n\n' +
        'Y\n',
    );
    const last = await runKiln(['console'], { stdin: '{{upper "y"}}\n{{bogus}}\n' });
    expect(last.stdout).toBe('Error: Interpolation error\n\ntemplate: root:1: function "bogus" not defined\n\n\n\n');
  });

  it('uses the template variables, -var over -var-file over defaults, and masks sensitive ones', async () => {
    const dir = templateDir('{"variables":{"z":"zz","a":"1","s":"sec"},"sensitive-variables":["s"],"builders":[{"type":"null"}]}');
    writeFileSync(join(dir, 'vars.json'), '{"a":"from-file","z":"file-z"}');
    const run = await runKiln(['console', '-var-file=vars.json', '-var', 'a=flag', 't.json'], {
      cwd: dir,
      stdin: '{{user `a`}}-{{user `z`}}-{{user `s`}}\n',
    });
    expect(run.stdout).toBe('flag-file-z-<sensitive>\n');
    const variables = await runKiln(['console', 't.json'], { cwd: dir, stdin: 'variables\n' });
    expect(variables.stdout).toBe('\na: 1,\ns: <sensitive>,\nz: zz,\n\n');
  });

  it('renders variable defaults with env, and leaves a missing required variable empty', async () => {
    const dir = templateDir('{"variables":{"home":"{{env `HOME`}}","r":null},"builders":[{"type":"null"}]}');
    const run = await runKiln(['console', 't.json'], { cwd: dir, env: { HOME: '/home/k' }, stdin: '[{{user `home`}}][{{user `r`}}]\n' });
    expect(run).toEqual({ code: 0, stdout: '[/home/k][]\n', stderr: '' });
  });

  it('knows the template directory only when given a template', async () => {
    const dir = templateDir('{"builders":[{"type":"null"}]}');
    expect((await runKiln(['console', 't.json'], { cwd: dir, stdin: '{{template_dir}}\n' })).stdout).toBe(`${dir}\n`);
    expect((await runKiln(['console'], { cwd: dir, stdin: '{{template_dir}}\n' })).stdout).toContain(
      'template_dir: template path not available',
    );
  });

  it('prints the console help and refuses more than one template', async () => {
    const help = await runKiln(['console'], { stdin: 'help\n' });
    expect(help.stdout).toMatch(/^Kiln console JSON Mode\.\n[\s\S]*"variables" will dump all available variables/);
    const usage = await runKiln(['console', 'a.json', 'b.json']);
    expect(usage.code).toBe(1);
    expect(usage.stdout).toMatch(/^Usage: kiln console \[options\] \[TEMPLATE\]\n/);
  });
});

describe('kiln console, at a terminal', () => {
  it('prompts with "> " for each line, goes on after an error and stops at "exit"', async () => {
    const run = await runKiln(['console'], { stdin: '{{upper "a"}}\n{{bogus}}\nexit\n{{upper "b"}}\n', stdinIsTTY: true });
    expect(run).toEqual({
      code: 0,
      stdout: '> A\n> Error: Interpolation error\n\ntemplate: root:1: function "bogus" not defined\n\n\n> ',
      stderr: '',
    });
  });
});
