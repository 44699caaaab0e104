import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KilnErrors, provisionHookData, recordingUi, type PrepareContext } from '@kiln/sdk';
import { FileProvisioner, fileProvisionerPlugin, type FileConfig } from '../src/index.js';
import { FakeCommunicator } from './fake-communicator.js';
import { env } from './build-env.js';

const render = (text: string, data: Readonly<Record<string, unknown>> = {}) =>
  text.replace(/\{\{\s*\.(\w+)\s*\}\}/g, (_match, key: string) => String(data[key] ?? '<no value>'));
const prepareContext: PrepareContext = { buildName: 'null', builderType: 'null', positionOf: () => undefined, render };
const local = mkdtempSync(join(tmpdir(), 'kiln-file-test-'));
writeFileSync(join(local, 'app.conf'), 'port=80\n');
chmodSync(join(local, 'app.conf'), 0o640);
mkdirSync(join(local, 'tree'));

async function provision(config: FileConfig, comm = new FakeCommunicator()) {
  const provisioner = new FileProvisioner();
  provisioner.prepare(config, prepareContext);
  const ui = recordingUi();
  const error = await provisioner
    .provision({
      ui,
      communicator: comm,
      generatedData: provisionHookData({ instanceId: 'Null' }, env.runUuid),
      signal: new AbortController().signal,
      env,
    })
    .then(
      () => undefined,
      (failure: unknown) => failure as Error,
    );
  return { comm, ui, error };
}

describe('file provisioner: prepare', () => {
  it('declares itself', () => {
    expect(fileProvisionerPlugin).toMatchObject({ kind: 'provisioner', type: 'file' });
    expect(Object.keys(fileProvisionerPlugin.schema.properties ?? {}).sort()).toEqual([
      'content', 'destination', 'direction', 'generated', 'source', 'sources',
    ]);
  });

  // Messages as `packer validate` 1.6.6 printed them.
  const cases: [string, FileConfig, string[]][] = [
    ['a bad direction and nothing else', { direction: 'sideways', destination: '' }, [
      'Direction must be one of: download, upload.',
      'Source must be specified.',
      'Destination must be specified.',
    ]],
    ['a missing upload source', { source: 'nope.txt', destination: '/tmp/' }, [
      "Bad source 'nope.txt': stat nope.txt: no such file or directory",
    ]],
    ['a missing source that the build generates', { source: 'nope.txt', destination: '/tmp/', generated: true }, []],
    ['a remote download source', { source: '/etc/hostname', destination: 'out/', direction: 'download' }, []],
    ['content and a source', { content: 'x', source: join(local, 'app.conf'), destination: '/tmp/x' }, [
      'source(s) conflicts with content.',
    ]],
  ];
  it.each(cases)('validates %s', (_name, config, expected) => {
    expect(fileProvisionerPlugin.validate?.(config, prepareContext)).toEqual(expected);
  });

  it('throws every problem from prepare', () => {
    expect(() => new FileProvisioner().prepare({ direction: 'x' }, prepareContext)).toThrow(KilnErrors);
  });
});

describe('file provisioner: upload', () => {
  it('uploads a file with its mode, to a path or into a directory ending in /', async () => {
    const source = join(local, 'app.conf');
    const { comm, ui } = await provision({ sources: [source], source, destination: '/etc/app/' });
    expect(comm.calls).toEqual(['upload /etc/app/app.conf', 'upload /etc/app/app.conf']);
    expect(comm.files.get('/etc/app/app.conf')).toEqual({ content: 'port=80\n', mode: 0o640 });
    expect(ui.lines).toEqual([`say: Uploading ${source} => /etc/app/`, `say: Uploading ${source} => /etc/app/`]);
    const renamed = await provision({ source, destination: '/etc/app/{{.ID}}.conf' });
    expect(renamed.comm.calls).toEqual(['upload /etc/app/Null.conf']);
  });

  it('hands directories to uploadDir with the trailing slash as written', async () => {
    const { comm } = await provision({ sources: [join(local, 'tree'), `${join(local, 'tree')}/`], destination: '/srv' });
    expect(comm.calls).toEqual([`uploadDir ${join(local, 'tree')} -> /srv`, `uploadDir ${join(local, 'tree')}/ -> /srv`]);
  });

  it('writes content', async () => {
    const { comm, ui } = await provision({ content: 'hello\n', destination: '/etc/motd' });
    expect(comm.files.get('/etc/motd')?.content).toBe('hello\n');
    expect(ui.lines).toEqual(['say: Uploading content => /etc/motd']);
  });

  it('reports an unwritable destination and fails', async () => {
    const comm = new FakeCommunicator();
    comm.failing.set('/root/app.conf', 'scp: /root/app.conf: Permission denied');
    const { ui, error } = await provision({ source: join(local, 'app.conf'), destination: '/root/app.conf' }, comm);
    expect(error?.message).toBe('scp: /root/app.conf: Permission denied');
    expect(ui.lines.at(-1)).toBe('error: Upload failed: scp: /root/app.conf: Permission denied');
  });

  it('fails clearly when a generated source never appeared', async () => {
    const { error } = await provision({ source: join(local, 'later.txt'), destination: '/tmp/', generated: true });
    expect(error?.message).toBe(`stat ${join(local, 'later.txt')}: no such file or directory`);
  });
});

describe('file provisioner: download', () => {
  it('creates the local parent directory and writes the file', async () => {
    const comm = new FakeCommunicator();
    comm.files.set('/var/log/app.log', { content: 'started\n', mode: 0o644 });
    const out = join(local, 'down', 'nested');
    const { ui } = await provision({ source: '/var/log/app.log', destination: `${out}/`, direction: 'download' }, comm);
    expect(readFileSync(join(out, 'app.log'), 'utf8')).toBe('started\n');
    expect(ui.lines).toEqual([`say: Downloading /var/log/app.log => ${out}/`]);
    await provision({ source: '/var/log/app.log', destination: join(local, 'other', 'renamed.log'), direction: 'download' }, comm);
    expect(readFileSync(join(local, 'other', 'renamed.log'), 'utf8')).toBe('started\n');
    expect(statSync(join(local, 'other')).isDirectory()).toBe(true);
  });

  it('fetches directories and globs with downloadDir', async () => {
    const { comm } = await provision({ sources: ['/var/log/', '/var/log/*.log', '/etc'], destination: `${local}/logs/`, direction: 'download' });
    expect(comm.calls).toEqual([
      `downloadDir /var/log/ -> ${local}/logs/`,
      `downloadDir /var/log/*.log -> ${local}/logs/`,
      `download /etc`,
    ]);
  });

  it('reports a missing remote file and an unwritable local destination', async () => {
    const missing = await provision({ source: '/nope', destination: join(local, 'nope'), direction: 'download' });
    expect(missing.ui.lines.at(-1)).toBe('error: Download failed: scp: /nope: No such file or directory');
    expect(missing.error?.message).toBe('scp: /nope: No such file or directory');

    const readOnly = join(local, 'read-only');
    mkdirSync(readOnly, { mode: 0o555 });
    chmodSync(readOnly, 0o555);
    const comm = new FakeCommunicator();
    comm.files.set('/a', { content: 'x', mode: 0o644 });
    const denied = await provision({ source: '/a', destination: join(readOnly, 'sub', 'a'), direction: 'download' }, comm);
    if (process.getuid?.() === 0) {
      // root writes anywhere: the download simply works
      expect(existsSync(join(readOnly, 'sub', 'a'))).toBe(true);
    } else {
      expect(denied.error?.message).toBe(`mkdir ${join(readOnly, 'sub')}: permission denied`);
    }
  });
});
