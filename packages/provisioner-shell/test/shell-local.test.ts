import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KilnErrors, provisionHookData, recordingUi, type PrepareContext } from '@kiln/sdk';
import { ShellLocalProvisioner, shellLocalProvisionerPlugin } from '../src/index.js';
import { fakeRender } from './fake-render.js';
import { hasPacker, packerBuildUi } from './packer.js';

const prepareContext: PrepareContext = {
  buildName: 'null',
  builderType: 'null',
  positionOf: () => undefined,
  render: fakeRender,
};
const runUuid = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const env = {
  buildName: 'null',
  builderType: 'null',
  runUuid,
  cacheDir: 'packer_cache',
  debug: false,
  force: false,
  onError: 'cleanup' as const,
  userVariables: {},
};

async function provision(config: object, ui = recordingUi()): Promise<string[]> {
  const provisioner = shellLocalProvisionerPlugin.create();
  provisioner.prepare(config, prepareContext);
  await provisioner.provision({
    ui,
    communicator: undefined,
    generatedData: provisionHookData({ instanceId: 'Null' }, runUuid),
    signal: new AbortController().signal,
    env,
  });
  return ui.lines;
}

/** Temp script names and run UUIDs differ between runs. */
const normalise = (lines: readonly string[]): string[] =>
  lines.map((line) =>
    line
      .replace(/\/tmp\/packer-shell\d+/g, '/tmp/packer-shellN')
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'UUID'),
  );

describe('shell-local provisioner plugin', () => {
  it('declares itself', () => {
    expect(shellLocalProvisionerPlugin).toMatchObject({ kind: 'provisioner', type: 'shell-local' });
    expect(shellLocalProvisionerPlugin.create()).toBeInstanceOf(ShellLocalProvisioner);
    expect(Object.keys(shellLocalProvisionerPlugin.schema.properties ?? {}).sort()).toEqual([
      'command',
      'env_var_format',
      'environment_vars',
      'execute_command',
      'inline',
      'inline_shebang',
      'only_on',
      'script',
      'scripts',
      'tempfile_extension',
      'use_linux_pathing',
      'valid_exit_codes',
    ]);
    expect(shellLocalProvisionerPlugin.schema.properties?.['execute_command']?.['x-kiln-late-render']).toBe(true);
  });

  it('validates in Packer words, and prepare throws the same problems', () => {
    const config = { command: 'x', inline: ['y'], environment_vars: ['FOO'] };
    const messages = shellLocalProvisionerPlugin.validate?.(config, prepareContext);
    expect(messages).toEqual([
      'You may only specify one of the following options: Command, Inline, Script or Scripts. Please consolidate these options in your config.',
      "Environment variable not in format 'key=value': FOO",
    ]);
    expect(() => shellLocalProvisionerPlugin.create().prepare(config, prepareContext)).toThrow(KilnErrors);
  });

  it('renders {{build}} data into inline lines at run time', async () => {
    const lines = await provision({ inline: ['echo id={{.ID}} addr={{.PackerHTTPAddr}}'] });
    expect(lines[1]).toBe('message: id=Null addr=ERR_HTTP_ADDR_NOT_IMPLEMENTED_BY_BUILDER');
  });

  it.skipIf(!hasPacker)('prints what Packer 1.6.6 prints for the same provisioner', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiln-shell-local-'));
    writeFileSync(join(dir, 'script.sh'), 'echo "script $1 sees A=$A"\nexit 0\n', { mode: 0o755 });
    const provisioners = [
      {
        type: 'shell-local',
        inline: ['echo a,b', 'echo', 'echo  err >&2', "printf 'x\\r\\ny\\n'", 'env | grep ^PACKER_BUILD | sort'],
        environment_vars: ["A=it's"],
      },
      { type: 'shell-local', command: 'exit 3', valid_exit_codes: [3] },
      {
        type: 'shell-local',
        inline: ['true'],
        environment_vars: ['Z=1', 'A=2'],
        execute_command: ['/bin/sh', '-c', 'echo "[{{.Vars}}]"'],
      },
      { type: 'shell-local', inline: ['echo never'], only_on: ['windows'] },
      { type: 'shell-local', inline: ['echo nope; exit 2'] },
    ];
    const packer = packerBuildUi(dir, { builders: [{ type: 'null', communicator: 'none' }], provisioners }, 'null');

    const ui = recordingUi();
    let failure: unknown;
    const previousCwd = process.cwd();
    process.chdir(dir);
    try {
      for (const config of provisioners) await provision(config, ui);
    } catch (error) {
      failure = error;
    } finally {
      process.chdir(previousCwd);
    }
    expect(packer.status).toBe(1);
    expect((failure as Error).message).toBe('Script exited with non-zero exit status: 2.Allowed exit codes are: [0]');
    // The builder's provision step, not the provisioner, says this in Packer too.
    const packerLines = packer.lines.filter((line) => !line.includes('Running the cleanup provisioner'));
    // stdout and stderr are separate pipes: compare each stream in order, not their interleaving.
    const stream = (lines: readonly string[], errors: boolean) => lines.filter((line) => line.startsWith('error: ') === errors);
    expect(normalise(stream(ui.lines, false))).toEqual(normalise(stream(packerLines, false)));
    expect(stream(ui.lines, true)).toEqual(stream(packerLines, true));
  });
});
