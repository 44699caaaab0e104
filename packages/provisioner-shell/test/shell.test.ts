import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DISCONNECTED_EXIT_STATUS, KilnError, KilnErrors, provisionHookData, recordingUi, type PrepareContext } from '@kiln/sdk';
import { ShellProvisioner, planShell, runShell, shellProvisionerPlugin, type ShellConfig } from '../src/index.js';
import { FakeCommunicator } from './fake-communicator.js';
import { fakeRender } from './fake-render.js';

const prepareContext: PrepareContext = { buildName: 'null', builderType: 'null', positionOf: () => undefined, render: fakeRender };
const env = { buildName: 'web', builderType: 'null', runUuid: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee' };
const dir = mkdtempSync(join(tmpdir(), 'kiln-shell-test-'));

function localScript(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function provision(
  config: ShellConfig,
  comm = new FakeCommunicator(),
  extra: { data?: Parameters<typeof provisionHookData>[0]; retryDelayMs?: number } = {},
) {
  const { plan, errors } = planShell(config, { random: () => 42 });
  expect(errors).toEqual([]);
  const ui = recordingUi();
  const outcome = await runShell(plan, {
    ui,
    communicator: comm,
    signal: new AbortController().signal,
    env,
    generatedData: provisionHookData(extra.data ?? { instanceId: 'Null' }, env.runUuid),
    render: fakeRender,
    random: () => 7,
    retryDelayMs: extra.retryDelayMs ?? 1,
  }).then(
    () => undefined,
    (error: unknown) => error as Error,
  );
  return { comm, ui, error: outcome };
}

describe('shell provisioner: prepare', () => {
  it('declares itself with every option of Packer 1.6.6', () => {
    expect(shellProvisionerPlugin).toMatchObject({ kind: 'provisioner', type: 'shell' });
    expect(shellProvisionerPlugin.create()).toBeInstanceOf(ShellProvisioner);
    expect(Object.keys(shellProvisionerPlugin.schema.properties ?? {}).sort()).toEqual([
      'binary', 'env_var_format', 'environment_vars', 'execute_command', 'expect_disconnect', 'inline', 'inline_shebang',
      'pause_after', 'remote_file', 'remote_folder', 'remote_path', 'script', 'scripts', 'skip_clean',
      'start_retry_timeout', 'use_env_var_file', 'valid_exit_codes',
    ]);
    expect(shellProvisionerPlugin.schema.properties?.['execute_command']?.['x-kiln-late-render']).toBe(true);
  });

  // Messages as `packer validate` 1.6.6 printed them for the same provisioners.
  const cases: [string, ShellConfig, string[]][] = [
    ['nothing to run', {}, ['Either a script file or inline script must be specified.']],
    ['an empty inline list', { inline: [] }, ['Either a script file or inline script must be specified.']],
    [
      'everything at once',
      { script: 'nope.sh', scripts: ['a.sh'], inline: ['x'], environment_vars: ['=x', 'y'] },
      [
        'Only one of script or scripts can be specified.',
        'Only a script file or an inline script can be specified, not both.',
        "Bad script 'nope.sh': stat nope.sh: no such file or directory",
        "Environment variable not in format 'key=value': =x",
        "Environment variable not in format 'key=value': y",
      ],
    ],
    ['inline only', { inline: ['true'] }, []],
  ];
  it.each(cases)('validates %s in Packer words', (_name, config, expected) => {
    expect(shellProvisionerPlugin.validate?.(config, prepareContext)).toEqual(expected);
  });

  it('throws every problem from prepare', () => {
    expect(() => shellProvisionerPlugin.create().prepare({ environment_vars: ['x'] }, prepareContext)).toThrow(KilnErrors);
  });

  it('applies Packer defaults, choosing one remote path for every script', () => {
    const { plan } = planShell({ inline: ['true'] }, { random: () => 1234 });
    expect(plan).toMatchObject({
      remotePath: '/tmp/script_1234.sh',
      executeCommand: 'chmod +x {{.Path}}; {{.Vars}} {{.Path}}',
      envVarFormat: "%s='%s' ",
      inlineShebang: '/bin/sh -e',
      startRetryTimeoutMs: 300_000,
    });
    const withFile = planShell({ inline: ['true'], use_env_var_file: true, remote_folder: '/var/tmp', remote_file: 'x.sh' }).plan;
    expect(withFile).toMatchObject({
      remotePath: '/var/tmp/x.sh',
      executeCommand: 'chmod +x {{.Path}}; . {{.EnvVarFile}} && {{.Path}}',
      envVarFormat: "export %s='%s'\n",
    });
    expect(planShell({ inline: ['true'], remote_folder: '/a', remote_path: '/b/c.sh' }).plan.remotePath).toBe('/b/c.sh');
  });
});

describe('shell provisioner: run', () => {
  it('uploads the inline script, makes it executable, runs it with the variables and removes it', async () => {
    const { comm, ui, error } = await provision({ inline: ['echo {{.ID}}', 'cd /'], environment_vars: ["A=it's a $HOME \"x\"", 'B=1=2'] });
    expect(error).toBeUndefined();
    expect(comm.calls).toEqual([
      'upload /tmp/script_42.sh',
      'exec chmod 0755 /tmp/script_42.sh',
      `exec chmod +x /tmp/script_42.sh; A='it'"'"'s a $HOME "x"' B='1=2' PACKER_BUILDER_TYPE='null' PACKER_BUILD_NAME='web'  /tmp/script_42.sh`,
      'exec rm -f /tmp/script_42.sh',
    ]);
    expect(comm.uploads.get('/tmp/script_42.sh')).toBe('#!/bin/sh -e\necho Null\ncd /\n');
    expect(ui.lines[0]).toMatch(/^say: Provisioning with shell script: .*packer-shell\d+$/);
  });

  it('streams stdout to messages and stderr to errors, cleaned as Packer does', async () => {
    const comm = new FakeCommunicator().on(/^chmod \+x/, { stdout: ['one  ', 'a\rb', ''], stderr: ['oops'] });
    const { ui } = await provision({ inline: ['true'] }, comm);
    expect(ui.lines.slice(1)).toEqual(['message: one', 'message: b', 'message: ', 'error: oops']);
  });

  it('exports PACKER_HTTP_* when the builder serves HTTP', async () => {
    const { comm } = await provision({ inline: ['true'] }, undefined, { data: { httpIp: '10.0.0.1', httpPort: 8080 } });
    expect(comm.calls[2]).toContain(
      "PACKER_BUILDER_TYPE='null' PACKER_BUILD_NAME='web' PACKER_HTTP_ADDR='10.0.0.1:8080' PACKER_HTTP_IP='10.0.0.1' PACKER_HTTP_PORT='8080' ",
    );
  });

  it('sources a 0600 variables file with use_env_var_file and removes it at the end', async () => {
    const { comm, error } = await provision({ inline: ['true'], use_env_var_file: true, environment_vars: ["Q=a'b"] });
    expect(error).toBeUndefined();
    expect(comm.calls).toEqual([
      'upload /tmp/varfile_7.sh',
      'exec chmod 0600 /tmp/varfile_7.sh',
      'upload /tmp/script_42.sh',
      'exec chmod 0755 /tmp/script_42.sh',
      'exec chmod +x /tmp/script_42.sh; . /tmp/varfile_7.sh && /tmp/script_42.sh',
      'exec rm -f /tmp/script_42.sh',
      'exec rm -f /tmp/varfile_7.sh',
    ]);
    expect(comm.uploads.get('/tmp/varfile_7.sh')).toBe(
      "export PACKER_BUILDER_TYPE='null'\nexport PACKER_BUILD_NAME='web'\nexport Q='a'\"'\"'b'\n",
    );
  });

  it('runs each script in order through a custom execute_command, and skip_clean keeps them', async () => {
    const first = localScript('first.sh', 'echo 1\r\necho 2');
    const second = localScript('second.sh', 'echo 3\n');
    const { comm, ui } = await provision({
      scripts: [first, second],
      execute_command: 'sudo -E sh -c "{{.Vars}}{{.Path}}"',
      env_var_format: 'export %s=%s; ',
      skip_clean: true,
    });
    expect(comm.calls.filter((call) => call.startsWith('exec sudo'))).toEqual([
      'exec sudo -E sh -c "export PACKER_BUILDER_TYPE=null; export PACKER_BUILD_NAME=web; /tmp/script_42.sh"',
      'exec sudo -E sh -c "export PACKER_BUILDER_TYPE=null; export PACKER_BUILD_NAME=web; /tmp/script_42.sh"',
    ]);
    expect(comm.calls.some((call) => call.startsWith('exec rm'))).toBe(false);
    expect(ui.lines.filter((line) => line.startsWith('say:'))).toEqual([
      `say: Provisioning with shell script: ${first}`,
      `say: Provisioning with shell script: ${second}`,
    ]);
  });

  it('converts CRLF line endings unless binary', async () => {
    const script = localScript('crlf.sh', 'echo a\r\necho b\r\n\r\nlast\r');
    const converted = await provision({ script });
    expect(converted.comm.uploads.get('/tmp/script_42.sh')).toBe('echo a\necho b\n\nlast\n');
    const binary = await provision({ script, binary: true });
    expect(binary.comm.uploads.get('/tmp/script_42.sh')).toBe('echo a\r\necho b\r\n\r\nlast\r');
  });

  it('fails on an exit code outside valid_exit_codes, with Packer message', async () => {
    const comm = new FakeCommunicator().on(/^chmod \+x/, { exitStatus: 3 });
    const { error } = await provision({ inline: ['exit 3'] }, comm);
    expect(error?.message).toBe('Script exited with non-zero exit status: 3.Allowed exit codes are: [0]');
    const allowed = await provision({ inline: ['exit 3'], valid_exit_codes: [0, 3] }, new FakeCommunicator().on(/^chmod \+x/, { exitStatus: 3 }));
    expect(allowed.error).toBeUndefined();
  });

  it('fails a dropped connection unless expect_disconnect, then still cleans up', async () => {
    const dropping = () => new FakeCommunicator().on(/^chmod \+x/, { exitStatus: DISCONNECTED_EXIT_STATUS });
    const unexpected = await provision({ inline: ['reboot'] }, dropping());
    expect(unexpected.error?.message).toBe(
      'Script disconnected unexpectedly. If you expected your script to disconnect, i.e. from a restart, you can try ' +
        'adding `"expect_disconnect": true` or `"valid_exit_codes": [0, 2300218]` to the shell provisioner parameters.',
    );
    const expected = await provision({ inline: ['reboot'], expect_disconnect: true }, dropping().on(/^rm/, { exitStatus: DISCONNECTED_EXIT_STATUS }, 1));
    expect(expected.error).toBeUndefined();
    expect(expected.comm.calls.filter((call) => call.startsWith('exec rm'))).toEqual(['exec rm -f /tmp/script_42.sh', 'exec rm -f /tmp/script_42.sh']);
  });

  it('retries upload and start while the machine is away, until start_retry_timeout', async () => {
    const comm = new FakeCommunicator();
    comm.failUploads = 2;
    const recovered = await provision({ inline: ['true'] }, comm);
    expect(recovered.error).toBeUndefined();
    expect(comm.calls.slice(0, 3)).toEqual(['upload /tmp/script_42.sh (failed)', 'upload /tmp/script_42.sh (failed)', 'upload /tmp/script_42.sh']);

    const down = new FakeCommunicator();
    down.failUploads = 1_000;
    const gaveUp = await provision({ inline: ['true'], start_retry_timeout: '50ms' }, down, { retryDelayMs: 10 });
    expect(gaveUp.error?.message).toBe('Error uploading script: ssh: connection refused');
    expect(down.calls.length).toBeGreaterThan(1);

    const noStart = new FakeCommunicator().on(/^chmod 0755/, { fail: new Error('ssh: unexpected packet') });
    const failed = await provision({ inline: ['true'], start_retry_timeout: '20ms' }, noStart, { retryDelayMs: 5 });
    expect(failed.error?.message).toBe('Error chmodding script file to 0755 in remote machine: ssh: unexpected packet');
  });

  it('stops retrying at once when the build is cancelled', async () => {
    const { plan } = planShell({ inline: ['true'] });
    const down = new FakeCommunicator();
    down.failUploads = 1_000;
    const cancel = new AbortController();
    setTimeout(() => cancel.abort(), 50);
    const started = Date.now();
    const outcome = runShell(plan, {
      ui: recordingUi(),
      communicator: down,
      signal: cancel.signal,
      env,
      generatedData: {},
      render: fakeRender,
      retryDelayMs: 10_000,
    });
    await expect(outcome).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('says when it pauses after the scripts', async () => {
    const { ui } = await provision({ inline: ['true'], pause_after: '20ms' });
    expect(ui.lines.at(-1)).toBe('say: Pausing 20ms after this provisioner...');
  });

  it('fails at once with the none communicator rather than retrying', async () => {
    const none = new FakeCommunicator();
    const refusal = new KilnError('CONFIG_INVALID', 'No communicator found for provisioners!');
    none.upload = () => Promise.reject(refusal);
    const started = Date.now();
    const { error } = await provision({ inline: ['true'] }, none, { retryDelayMs: 1_000 });
    expect(error).toBe(refusal);
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('refuses to run without a communicator', async () => {
    const provisioner = shellProvisionerPlugin.create();
    provisioner.prepare({ inline: ['true'] }, prepareContext);
    await expect(
      provisioner.provision({
        ui: recordingUi(),
        communicator: undefined,
        generatedData: {},
        signal: new AbortController().signal,
        env: { ...env, cacheDir: '', debug: false, force: false, onError: 'cleanup', userVariables: {} },
      }),
    ).rejects.toThrow(/needs a communicator/);
  });
});
