import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostOs, planShellLocal, toLinuxPath, type ShellLocalConfig } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'kiln-plan-'));
writeFileSync(join(dir, 'ok.sh'), 'echo ok\n');
const linux = { os: 'linux', cwd: dir };

const TOO_MANY =
  'You may only specify one of the following options: Command, Inline, Script or Scripts. Please consolidate these options in your config.';

describe('planShellLocal: the messages of packer validate (1.6.6)', () => {
  it.each<[string, ShellLocalConfig, string[]]>([
    ['nothing to run', {}, ['Command, Inline, Script and Scripts options cannot all be empty.']],
    ['an empty inline', { inline: [] }, ['Command, Inline, Script and Scripts options cannot all be empty.']],
    ['command and inline', { command: 'x', inline: ['a'] }, [TOO_MANY]],
    ['script and inline', { script: 'ok.sh', inline: ['a'] }, [TOO_MANY]],
    ['an empty inline next to scripts', { inline: [], scripts: ['ok.sh'] }, [TOO_MANY]],
    ['a missing script', { script: 'nope.sh' }, ["Bad script 'nope.sh': stat nope.sh: no such file or directory"]],
    [
      'a bad environment variable',
      { inline: ['a'], environment_vars: ['=x', 'FOO', 'A=b'] },
      ["Environment variable not in format 'key=value': =x", "Environment variable not in format 'key=value': FOO"],
    ],
    [
      'an unknown only_on name (reported alone)',
      { inline: ['a'], environment_vars: ['FOO'], only_on: ['linux', 'beos'] },
      ["Invalid OS specified in only_on: 'beos'\nSupported OS names: darwin, freebsd, linux, openbsd, solaris, windows"],
    ],
    [
      'use_linux_pathing with inline',
      { inline: ['a'], use_linux_pathing: true },
      [
        'Packer is unable to use the Command and Inline features with the Windows Linux Subsystem. Please use the Script or Scripts options instead',
      ],
    ],
    ['inline next to an empty scripts list', { inline: ['a'], scripts: [] }, []],
  ])('%s', (_name, config, errors) => {
    expect(planShellLocal(config, linux).errors).toEqual(errors);
  });

  it('use_linux_pathing with a script on a Unix host fails as in Packer (no drive letter)', () => {
    const { errors } = planShellLocal({ script: 'ok.sh', use_linux_pathing: true }, linux);
    expect(errors).toEqual([
      `There was an error splitting your absolute path; expected to find a drive following the format ':/' but did not: absolute path: ${join(dir, 'ok.sh')}`,
    ]);
  });
});

describe('planShellLocal: defaults and rewrites', () => {
  it('applies the Unix defaults', () => {
    const { plan } = planShellLocal({ inline: ['echo hi'] }, linux);
    expect(plan).toEqual({
      scripts: [],
      inline: ['echo hi'],
      executeCommand: ['/bin/sh', '-c', '{{.Vars}} {{.Script}}'],
      inlineShebang: '/bin/sh -e',
      envVarFormat: "%s='%s' ",
      environmentVars: [],
      onlyOn: [],
      tempfileExtension: '',
      validExitCodes: [],
    });
  });

  it('applies the Windows defaults', () => {
    const { plan } = planShellLocal({ inline: ['echo hi'] }, { os: 'windows' });
    expect(plan.executeCommand).toEqual(['cmd', '/V', '/C', '{{.Vars}}', 'call', '{{.Script}}']);
    expect(plan.inlineShebang).toBe('');
    expect(plan.envVarFormat).toBe('set %s=%s && ');
    expect(plan.tempfileExtension).toBe('cmd');
  });

  it('turns command into inline and script into scripts, and drops the dot of tempfile_extension', () => {
    expect(planShellLocal({ command: 'echo hi', tempfile_extension: '.sh' }, linux).plan).toMatchObject({
      inline: ['echo hi'],
      scripts: [],
      tempfileExtension: 'sh',
    });
    const fromScript = planShellLocal({ script: 'ok.sh' }, linux).plan;
    expect(fromScript.scripts).toEqual(['ok.sh']);
    expect(fromScript.inline).toBeUndefined();
  });

  it('keeps the user values', () => {
    const { plan } = planShellLocal(
      {
        scripts: ['ok.sh'],
        execute_command: ['bash', '{{.Script}}'],
        inline_shebang: '/bin/bash',
        env_var_format: 'export %s=%s; ',
        valid_exit_codes: [0, 3],
      },
      linux,
    );
    expect(plan).toMatchObject({
      executeCommand: ['bash', '{{.Script}}'],
      inlineShebang: '/bin/bash',
      envVarFormat: 'export %s=%s; ',
      validExitCodes: [0, 3],
    });
  });
});

describe('host OS names', () => {
  it("maps Node's platform to Go's GOOS", () => {
    expect(hostOs('win32')).toBe('windows');
    expect(hostOs('sunos')).toBe('solaris');
    expect(hostOs('linux')).toBe('linux');
  });

  it('converts Windows paths for WSL', () => {
    expect(toLinuxPath('C:\\Users\\me\\s.sh')).toEqual({ path: '/mnt/c/Users/me/s.sh' });
  });
});
