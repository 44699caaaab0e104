import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectSsh, type SshCommunicator } from '@kiln/communicator-ssh';
import { provisionHookData, recordingUi, type Communicator } from '@kiln/sdk';
import { startSshd, type Sshd } from '@kiln/testbed';
import { ShellProvisioner, type ShellConfig } from '../src/index.js';
import { fakeRender } from './fake-render.js';
import { hasPacker } from './packer.js';

let sshd: Sshd;
let communicator: SshCommunicator;
const dir = mkdtempSync(join(tmpdir(), 'kiln-shell-vs-packer-'));

beforeAll(async () => {
  sshd = await startSshd();
  communicator = await connectSsh({
    host: sshd.host,
    port: sshd.port,
    config: { ssh_username: sshd.username, ssh_private_key_file: sshd.privateKeyPath },
  });
});
afterAll(async () => {
  await communicator?.close();
  await sshd?.stop();
});

/** The remote work as Packer's debug log names it: `scp -t <dir>` uploads and `starting remote command` lines. */
function packerRemoteWork(log: string): string[] {
  const work: string[] = [];
  for (const line of log.split('\n')) {
    const command = /\[DEBUG\] starting remote command: (.*)$/.exec(line);
    if (command) work.push(`exec ${command[1]}`);
    const upload = /\[DEBUG\] scp: Uploading (\S+): perms=C(\d+)/.exec(line);
    if (upload) work.push(`upload ${upload[1]}`);
  }
  return work;
}

/** The same for Kiln, by wrapping the communicator. */
function recording(inner: Communicator, work: string[]): Communicator {
  return {
    type: inner.type,
    exec: (command) => (work.push(`exec ${command.command}`), inner.exec(command)),
    upload: (path, content, options) => (work.push(`upload ${path.split('/').pop()}`), inner.upload(path, content, options)),
    uploadDir: (remoteDir, localDir, options) => inner.uploadDir(remoteDir, localDir, options),
    download: (path, destination, options) => inner.download(path, destination, options),
    downloadDir: (remoteDir, localDir, options) => inner.downloadDir(remoteDir, localDir, options),
  };
}

const normalise = (work: readonly string[]) => work.map((line) => line.replace(/varfile_\d+/g, 'varfile_N'));

it.skipIf(!hasPacker)('sends the remote commands Packer 1.6.6 sends, and prints the same lines', async () => {
  writeFileSync(join(dir, 'script.sh'), '#!/bin/sh\r\necho "from $0"\r\necho "C=$C"\r\n');
  const provisioners: ShellConfig[] = [
    { inline: ['echo "$A|$B"', 'echo err >&2'], environment_vars: [`A=it's "q" $HOME`, 'B=two  spaces'], remote_file: 's1.sh' },
    { script: 'script.sh', use_env_var_file: true, environment_vars: ["C=x'y"], remote_file: 's2.sh' },
    { inline: ['exit 3'], valid_exit_codes: [3], remote_folder: '/var/tmp', remote_file: 's3.sh', skip_clean: true },
  ];
  const template = {
    builders: [
      { type: 'null', ssh_host: sshd.host, ssh_port: sshd.port, ssh_username: sshd.username, ssh_private_key_file: sshd.privateKeyPath },
    ],
    provisioners: provisioners.map((config) => ({ type: 'shell', ...config })),
  };
  writeFileSync(join(dir, 'template.json'), JSON.stringify(template));
  const packer = spawnSync('packer', ['build', '-machine-readable', 'template.json'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, PACKER_LOG: '1', CHECKPOINT_DISABLE: '1' },
    timeout: 60_000,
  });
  expect(packer.status).toBe(0);
  // Packer runs a bare `rm -f ` for the variables file a script without one never had.
  const packerWork = packerRemoteWork(packer.stderr).filter((line) => line.trim() !== 'exec rm -f');

  const kilnWork: string[] = [];
  const ui = recordingUi();
  const previous = process.cwd();
  process.chdir(dir);
  try {
    for (const config of provisioners) {
      const provisioner = new ShellProvisioner();
      provisioner.prepare(config, { buildName: 'null', builderType: 'null', positionOf: () => undefined, render: fakeRender });
      await provisioner.provision({
        ui,
        communicator: recording(communicator, kilnWork),
        generatedData: provisionHookData({ instanceId: 'Null' }, 'uuid'),
        signal: new AbortController().signal,
        env: { buildName: 'null', builderType: 'null', runUuid: 'uuid', cacheDir: '', debug: false, force: false, onError: 'cleanup', userVariables: {} },
      });
    }
  } finally {
    process.chdir(previous);
  }
  await communicator.exec({ command: 'rm -f /var/tmp/s3.sh' });
  expect(normalise(kilnWork)).toEqual(normalise(packerWork));
  expect(kilnWork).toContain(`exec chmod +x /tmp/s1.sh; A='it'"'"'s "q" $HOME' B='two  spaces' PACKER_BUILDER_TYPE='null' PACKER_BUILD_NAME='null'  /tmp/s1.sh`);

  const packerUi = packer.stdout
    .split('\n')
    .map((row) => row.split(','))
    .filter((fields) => fields[2] === 'ui' && /^(==> |    )null: /.test(fields.slice(4).join(',')))
    .map((fields) => `${fields[3]}: ${fields.slice(4).join(',').replaceAll('%!(PACKER_COMMA)', ',').replace(/^(==> |    )null: /, '')}`)
    .filter((line) => !/Using ssh|Waiting for SSH|Connected to SSH/.test(line));
  const scrub = (lines: readonly string[]) => lines.map((line) => line.replace(/packer-shell\d+/, 'packer-shellN'));
  // stdout and stderr are separate channels: compare each stream in order, not their interleaving.
  const stream = (lines: readonly string[], errors: boolean) => lines.filter((line) => line.startsWith('error: ') === errors);
  expect(scrub(stream(ui.lines, false))).toEqual(scrub(stream(packerUi, false)));
  expect(stream(ui.lines, true)).toEqual(stream(packerUi, true));
});
