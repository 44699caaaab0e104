import { describe, expect, it } from 'vitest';
import { runKiln } from './run-kiln.js';

// Packer 1.6.6's listing, with Kiln's verbs (no HCL2-only fmt/hcl2_upgrade; `schema` and `cleanup` added).
const TOP_LEVEL_HELP = `Usage: kiln [--version] [--help] <command> [<args>]

Available commands are:
    build       build image(s) from template
    cleanup     deletes cloud resources that killed builds left behind
    console     creates a console for testing variable interpolation
    fix         fixes templates from old versions of packer
    inspect     see components of a template
    schema      prints the JSON Schema of templates, for editors
    validate    check that a template is valid
    version     Prints the Kiln version

`;

describe('kiln (top level, as mitchellh/cli in Packer)', () => {
  it.each([[[]], [['help']], [['bogus']], [['--bogus']], [['-h', 'bogus']], [['--', 'version']]])(
    'prints the help and exits 127 for %j',
    async (argv) => {
      const run = await runKiln(argv);
      expect(run).toEqual({ code: 127, stdout: TOP_LEVEL_HELP, stderr: '' });
    },
  );

  it.each([[['-h']], [['-help']], [['--help']], [['-machine-readable', '--help']]])(
    'prints the help and exits 0 for %j',
    async (argv) => {
      expect(await runKiln(argv)).toEqual({ code: 0, stdout: TOP_LEVEL_HELP, stderr: '' });
    },
  );

  it.each([[['--version']], [['-v']], [['-version']], [['-v', 'validate']]])('prints the bare version for %j', async (argv) => {
    expect(await runKiln(argv)).toEqual({ code: 0, stdout: '0.1.0\n', stderr: '' });
  });

  it('shows a verb help for -h anywhere before "--", and exits 0', async () => {
    for (const argv of [['fix', '-h'], ['fix', 'x.json', '--help'], ['-help', 'fix'], ['fix', '-var', '-h']]) {
      const run = await runKiln(argv);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^Usage: kiln fix \[options\] TEMPLATE\n/);
    }
  });

  it('refuses flags placed before the verb, as Packer does', async () => {
    const run = await runKiln(['--bogus', 'version']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      'Invalid flags before the subcommand. If these flags are for\n' +
        'the subcommand, please put them after the subcommand.\n\n' +
        'Prints the Kiln version and the Packer version whose templates it implements.\n',
    );
  });
});

describe('kiln version', () => {
  it('names Kiln and the Packer version it implements, keeping "Packer v1.6.6" for scripts', async () => {
    const run = await runKiln(['version', 'extra', '-ignored']);
    expect(run).toEqual({ code: 0, stdout: 'Kiln v0.1.0 (implements Packer v1.6.6 templates)\n', stderr: '' });
  });

  it('prints Packer machine-readable rows, -machine-readable anywhere', async () => {
    const expected =
      '1608112800,,version,1.6.6\n' +
      '1608112800,,version-prelease,\n' +
      '1608112800,,version-commit,\n' +
      '1608112800,,kiln-version,0.1.0\n' +
      '1608112800,,ui,say,Kiln v0.1.0 (implements Packer v1.6.6 templates)\n';
    expect((await runKiln(['-machine-readable', 'version'])).stdout).toBe(expected);
    expect((await runKiln(['version', '--machine-readable'])).stdout).toBe(expected);
  });
});
