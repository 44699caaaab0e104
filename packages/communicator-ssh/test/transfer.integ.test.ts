import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { recordingUi } from '@kiln/sdk';
import { startSshd, type Sshd } from '@kiln/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSsh, type SshCommunicator } from '../src/index.js';
import { keyConfig, makeTree, manifest, peakRssGrowthMiB, run, sha256File, writeRandomFile } from './support.js';

const BIG = 256 * 1024 * 1024;
const TREE_FILES = 5000;

let sshd: Sshd;
let work: string;
let tree: string;
let treeManifest: string[];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'kiln-ssh-transfer-'));
  tree = join(work, 'tree');
  [sshd] = await Promise.all([startSshd(), makeTree(tree, TREE_FILES)]);
  treeManifest = await manifest(tree);
}, 60_000);

afterAll(async () => {
  await sshd?.stop();
  await rm(work, { recursive: true, force: true });
});

async function connect(method: 'scp' | 'sftp'): Promise<SshCommunicator> {
  return connectSsh({ host: sshd.host, port: sshd.port, config: keyConfig(sshd, { ssh_file_transfer_method: method }) });
}

describe('a 256 MiB file', () => {
  it('uploads and downloads byte-identical over scp without buffering it', async () => {
    const source = join(work, 'big.bin');
    const sum = await writeRandomFile(source, BIG);
    const communicator = await connect('scp');
    try {
      const remote = join(work, 'big.remote');
      const upGrowth = await peakRssGrowthMiB(() => communicator.upload(remote, createReadStream(source, { highWaterMark: 256 * 1024 })));
      expect(await sha256File(remote)).toBe(sum);
      const back = join(work, 'big.back');
      const downGrowth = await peakRssGrowthMiB(async () => {
        const out = createWriteStream(back);
        await communicator.download(remote, out);
        out.end();
        await finished(out);
      });
      expect(await sha256File(back)).toBe(sum);
      // Buffering the file would cost 256 MiB; streaming costs a few windows and chunks.
      expect(upGrowth).toBeLessThan(96);
      expect(downGrowth).toBeLessThan(96);
      await rm(remote);
      await rm(back);
    } finally {
      await communicator.close();
      await rm(source, { force: true });
    }
  }, 60_000);
});

describe.each(['scp', 'sftp'] as const)('files over %s', (method) => {
  let communicator: SshCommunicator;
  beforeAll(async () => {
    communicator = await connect(method);
  });
  afterAll(async () => {
    await communicator?.close();
  });

  it('keeps the mode asked for and reports a missing directory', async () => {
    const path = join(work, `${method}-mode.sh`);
    await communicator.upload(path, Readable.from([Buffer.from('#!/bin/sh\necho hi\n')]), { mode: 0o750 });
    expect(await readFile(path, 'utf8')).toBe('#!/bin/sh\necho hi\n');
    expect((await stat(path)).mode & 0o777).toBe(0o750);
    await expect(communicator.upload(join(work, 'no', 'such', 'dir', 'f'), Readable.from([Buffer.from('x')]))).rejects.toThrow(
      /no\/such\/dir.*No such file/,
    );
  });

  it('reports progress to a Ui that shows it', async () => {
    const reports: [string, number, number | undefined][] = [];
    const ui = { ...recordingUi(), progress: (label: string, done: number, total: number | undefined) => reports.push([label, done, total]) };
    const withUi = await connectSsh({ host: sshd.host, port: sshd.port, config: keyConfig(sshd, { ssh_file_transfer_method: method }), ui });
    try {
      const path = join(work, `${method}-progress.bin`);
      await withUi.upload(path, Readable.from([Buffer.alloc(300_000, 1), Buffer.alloc(200_000, 2)]), { size: 500_000 });
      expect(reports.at(-1)).toEqual([`Uploading ${path}`, 500_000, 500_000]);
      expect(reports.every(([, done], i) => i === 0 || done >= reports[i - 1]![1])).toBe(true);
    } finally {
      await withUi.close();
    }
  });

  it('uploads a stream of unknown length (spooled for scp) and an empty file', async () => {
    const stream = new PassThrough();
    const upload = communicator.upload(join(work, `${method}-stream.txt`), stream);
    for (let i = 0; i < 1000; i++) stream.write(`line ${i}\n`);
    stream.end();
    await upload;
    expect((await readFile(join(work, `${method}-stream.txt`), 'utf8')).split('\n')).toHaveLength(1001);
    await communicator.upload(join(work, `${method}-empty`), Readable.from([]), { size: 0 });
    expect((await stat(join(work, `${method}-empty`))).size).toBe(0);
  });

  it('downloads a file and says so when it is missing', async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk));
    await communicator.download(join(tree, 'dir 3', 'file-3.bin'), out);
    expect(Buffer.concat(chunks).equals(await readFile(join(tree, 'dir 3', 'file-3.bin')))).toBe(true);
    await expect(communicator.download(join(work, 'missing'), new PassThrough())).rejects.toThrow(/missing.*No such file/);
  });
});

describe('cancelling', () => {
  it('stops a transfer when its signal fires, and the communicator reconnects for the next one', async () => {
    const communicator = await connect('sftp');
    try {
      const endless = new PassThrough();
      const feeder = setInterval(() => endless.write(Buffer.alloc(64 * 1024)), 5);
      const controller = new AbortController();
      const pending = communicator.upload(join(work, 'endless'), endless, { signal: controller.signal });
      setTimeout(() => controller.abort(), 300);
      await expect(pending).rejects.toMatchObject({ code: 'CANCELLED' });
      clearInterval(feeder);
      expect((await run(communicator, 'echo next')).stdout).toEqual(['next']);
    } finally {
      await communicator.close();
    }
  });
});

describe('directories', () => {
  it(`uploads a ${TREE_FILES}-file tree in one tar stream, with and without the trailing slash`, async () => {
    const communicator = await connect('scp');
    try {
      const contents = join(work, 'up-contents');
      const itself = join(work, 'up-itself');
      await mkdir(contents);
      await mkdir(itself);
      await communicator.uploadDir(contents, `${tree}/`);
      expect(await manifest(contents)).toEqual(treeManifest);
      await communicator.uploadDir(itself, tree);
      expect(await manifest(join(itself, 'tree'))).toEqual(treeManifest);
      // One remote process for the whole tree: sshd logged one session for it, not 5,000.
      const { stdout } = await run(communicator, `find ${itself} -type f | wc -l`);
      expect(Number(stdout[0])).toBe(TREE_FILES + 2);
    } finally {
      await communicator.close();
    }
  }, 60_000);

  it('downloads a tree into <destination>/<its name>, as Packer does', async () => {
    const communicator = await connect('sftp');
    try {
      const local = join(work, 'down');
      await communicator.downloadDir(`${tree}/`, local);
      expect(await manifest(join(local, 'tree'))).toEqual(treeManifest);
    } finally {
      await communicator.close();
    }
  }, 60_000);

  it('skips excluded entries and follows symlinks like Packer', async () => {
    const source = join(work, 'linked');
    await makeTree(join(source, 'real'), 3);
    await symlink(join(source, 'real'), join(source, 'alias'));
    await writeFile(join(source, 'skip.log'), 'no');
    const communicator = await connect('scp');
    try {
      const target = join(work, 'linked-up');
      await mkdir(target);
      await communicator.uploadDir(target, `${source}/`, { exclude: ['*.log', '**/deep'] });
      const listing = await manifest(target);
      expect(listing.some((line) => line.includes('skip.log'))).toBe(false);
      expect(listing.some((line) => line.includes('/deep'))).toBe(false);
      // The link to a directory arrives as a directory with the same contents.
      expect(listing).toContain('755 d alias');
      expect(listing.filter((line) => line.includes(' alias/')).length).toBe(listing.filter((line) => line.includes(' real/')).length);
    } finally {
      await communicator.close();
    }
  });

  it('reports a missing remote directory, and a missing local one in Go\'s words', async () => {
    const communicator = await connect('scp');
    try {
      await expect(communicator.uploadDir(work, join(work, 'nope'))).rejects.toThrow(`stat ${join(work, 'nope')}: no such file or directory`);
      await expect(communicator.uploadDir(join(work, 'absent'), `${tree}/`)).rejects.toThrow(/absent.*No such file|Cannot open/);
      await expect(communicator.downloadDir(join(work, 'absent'), join(work, 'x'))).rejects.toThrow(/absent/);
    } finally {
      await communicator.close();
    }
  });
});

describe('without tar on the remote', () => {
  let bare: Sshd;
  beforeAll(async () => {
    // A remote whose PATH has what scp and a shell need, but no tar: the transfers fall back.
    const bin = join(work, 'bare-bin');
    await mkdir(bin, { recursive: true });
    for (const tool of ['sh', 'scp', 'head', 'true', 'mkdir', 'cat']) await symlink(`/usr/bin/${tool}`, join(bin, tool)).catch(() => undefined);
    bare = await startSshd({ config: [`SetEnv PATH=${bin}`] });
  });
  afterAll(async () => {
    await bare?.stop();
  });

  it.each(['scp', 'sftp'] as const)('moves trees file by file over %s', async (method) => {
    const source = join(work, `small-${method}`);
    await makeTree(source, 60);
    const communicator = await connectSsh({ host: bare.host, port: bare.port, config: keyConfig(bare, { ssh_file_transfer_method: method }) });
    try {
      expect((await run(communicator, 'tar --version')).exitStatus).toBe(127);
      const target = join(work, `bare-up-${method}`);
      await mkdir(target);
      await communicator.uploadDir(target, source);
      expect(await manifest(join(target, `small-${method}`))).toEqual(await manifest(source));
      const back = join(work, `bare-down-${method}`);
      await communicator.downloadDir(join(target, `small-${method}`), back);
      expect(await manifest(join(back, `small-${method}`))).toEqual(await manifest(source));
    } finally {
      await communicator.close();
    }
  }, 30_000);
});

describe('a remote tar that fails while the tree is still on its way', () => {
  let failing: Sshd;
  beforeAll(async () => {
    // Its tar answers the probe as GNU tar, then reads nothing and fails a moment later: the
    // upload has filled the channel's window by then and is waiting for room.
    const bin = join(work, 'failing-tar-bin');
    await mkdir(bin, { recursive: true });
    for (const tool of ['sh', 'head', 'sleep']) await symlink(`/usr/bin/${tool}`, join(bin, tool)).catch(() => undefined);
    await writeFile(
      join(bin, 'tar'),
      '#!/bin/sh\nif [ "$1" = --version ]; then echo "tar (GNU tar) 1.34"; exit 0; fi\nsleep 1\necho "tar: simulated failure" >&2\nexit 2\n',
      { mode: 0o755 },
    );
    failing = await startSshd({ config: [`SetEnv PATH=${bin}`] });
  });
  afterAll(async () => {
    await failing?.stop();
  });

  it('stops sending and reports the remote error instead of waiting for room forever', async () => {
    const communicator = await connectSsh({ host: failing.host, port: failing.port, config: keyConfig(failing) });
    try {
      const started = Date.now();
      await expect(communicator.uploadDir(work, `${tree}/`)).rejects.toThrow('tar: simulated failure');
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await communicator.close();
    }
  }, 30_000);
});
