import { createHash, randomFillSync } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSsh, type SshCommunicator } from '@kiln/communicator-ssh';
import { provisionHookData, recordingUi } from '@kiln/sdk';
import { startSshd, type Sshd } from '@kiln/testbed';
import { FileProvisioner, type FileConfig } from '../src/index.js';
import { env } from './build-env.js';

let sshd: Sshd;
let communicator: SshCommunicator;
const local = mkdtempSync(join(tmpdir(), 'kiln-file-integ-'));
const remote = `/tmp/kiln-file-integ-${process.pid}`;

beforeAll(async () => {
  sshd = await startSshd();
  communicator = await connectSsh({
    host: sshd.host,
    port: sshd.port,
    config: { ssh_username: sshd.username, ssh_private_key_file: sshd.privateKeyPath, ssh_timeout: '20s' },
  });
  await remoteLines(`rm -rf ${remote}; mkdir -p ${remote}/up ${remote}/contents`);
});
afterAll(async () => {
  await communicator?.exec({ command: `rm -rf ${remote}` });
  await communicator?.close();
  await sshd?.stop();
});

async function remoteLines(command: string): Promise<string[]> {
  const lines: string[] = [];
  const { exitStatus } = await communicator.exec({ command, onStdout: (line) => lines.push(line), onStderr: (line) => lines.push(line) });
  if (exitStatus !== 0) throw new Error(`${command} exited ${exitStatus}: ${lines.join('\n')}`);
  return lines;
}

async function provision(config: FileConfig) {
  const provisioner = new FileProvisioner();
  provisioner.prepare(config, { buildName: 'null', builderType: 'null', positionOf: () => undefined, render: (text) => text });
  const ui = recordingUi();
  const error = await provisioner
    .provision({ ui, communicator, generatedData: provisionHookData({}, env.runUuid), signal: new AbortController().signal, env })
    .then(
      () => undefined,
      (failure: unknown) => failure as Error,
    );
  return { ui, error };
}

/** Every entry below root as `<mode> <type> <path> <sha256>`, sorted. */
function manifest(root: string): string[] {
  const lines: string[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const relative = prefix ? `${prefix}/${name}` : name;
      const info = lstatSync(path);
      const mode = (info.mode & 0o7777).toString(8);
      if (info.isDirectory()) {
        lines.push(`${mode} d ${relative}`);
        walk(path, relative);
      } else lines.push(`${mode} f ${relative} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`);
    }
  };
  walk(root, '');
  return lines.sort();
}

function makeTree(root: string): void {
  const modes = [0o644, 0o755, 0o600, 0o640];
  for (let d = 0; d < 5; d++) {
    const dir = join(root, `dir ${d}`, 'nested');
    mkdirSync(dir, { recursive: true });
    for (let f = 0; f < 8; f++) {
      const path = join(dir, f === 0 ? `it's "odd" ${d}.txt` : `file-${f}.bin`);
      writeFileSync(path, randomFillSync(Buffer.alloc(100 + f * 513)));
      chmodSync(path, modes[f % modes.length]!);
    }
  }
  mkdirSync(join(root, 'private'), { mode: 0o700 });
  chmodSync(join(root, 'private'), 0o700);
  writeFileSync(join(root, 'private', 'key'), 'secret\n', { mode: 0o600 });
}

describe('file provisioner over SSH', () => {
  it('uploads a file keeping its mode, into a directory ending in /, and downloads it back', async () => {
    const source = join(local, 'app.conf');
    writeFileSync(source, 'port=80\n');
    chmodSync(source, 0o640);
    const up = await provision({ source, destination: `${remote}/up/` });
    expect(up.error).toBeUndefined();
    expect(await remoteLines(`stat -c '%a %s' ${remote}/up/app.conf`)).toEqual(['640 8']);

    const down = await provision({ source: `${remote}/up/app.conf`, destination: join(local, 'back', 'app.conf'), direction: 'download' });
    expect(down.error).toBeUndefined();
    expect(readFileSync(join(local, 'back', 'app.conf'), 'utf8')).toBe('port=80\n');
  });

  it('uploads a tree with and without the trailing slash, and downloads it identical, modes kept', async () => {
    const tree = join(local, 'tree');
    makeTree(tree);
    expect((await provision({ source: tree, destination: `${remote}/up` })).error).toBeUndefined();
    expect((await provision({ source: `${tree}/`, destination: `${remote}/contents` })).error).toBeUndefined();
    expect(await remoteLines(`ls ${remote}/up`)).toEqual(['app.conf', 'tree']);
    expect(await remoteLines(`ls ${remote}/contents`)).toEqual(['dir 0', 'dir 1', 'dir 2', 'dir 3', 'dir 4', 'private']);

    const back = join(local, 'downloaded');
    const down = await provision({ source: `${remote}/up/tree/`, destination: `${back}/`, direction: 'download' });
    expect(down.error).toBeUndefined();
    expect(manifest(join(back, 'tree'))).toEqual(manifest(tree));
  });

  it('writes inline content', async () => {
    expect((await provision({ content: 'hello\n', destination: `${remote}/motd` })).error).toBeUndefined();
    expect(await remoteLines(`cat ${remote}/motd`)).toEqual(['hello']);
  });

  it('says why an upload to a missing remote directory fails', async () => {
    const source = join(local, 'app.conf');
    const { ui, error } = await provision({ source, destination: `${remote}/missing/dir/app.conf` });
    expect(error?.message).toMatch(/No such file or directory/);
    expect(ui.lines.at(-1)).toMatch(/^error: Upload failed: .*No such file or directory/);
  });

  it('says why a download of a missing remote file fails', async () => {
    const { ui, error } = await provision({ source: `${remote}/nope`, destination: join(local, 'nope'), direction: 'download' });
    expect(error?.message).toMatch(/No such file or directory/);
    expect(ui.lines.at(-1)).toMatch(/^error: Download failed: .*nope.*No such file or directory/);
  });
});
