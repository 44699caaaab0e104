import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { isKilnError } from '@kiln/sdk';
import { startWinrmServer, type WinrmServer } from '@kiln/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WinrmCommunicator } from '../src/index.js';
import { connectTo } from './support.js';

let server: WinrmServer;
let winrm: WinrmCommunicator;
let local: string;

beforeAll(async () => {
  server = await startWinrmServer();
  winrm = await connectTo(server);
  local = await mkdtemp(join(tmpdir(), 'kiln-winrm-test-'));
});
afterAll(async () => {
  await winrm?.close();
  await server?.stop();
  if (local) await rm(local, { recursive: true, force: true });
});

async function collect(stream: PassThrough): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('WinrmCommunicator.upload', () => {
  it('uploads 1 MiB of binary byte for byte, leaving no temp files or shells behind', async () => {
    const content = randomBytes(1 << 20);
    const source = join(local, 'blob.bin');
    await writeFile(source, content);
    const progress: number[] = [];
    const withProgress = await connectTo(server, {}, { ui: { say: () => undefined, message: () => undefined, error: () => undefined, ask: async () => '', progress: (_l, done) => progress.push(done) } });
    try {
      await withProgress.upload('C:\\Windows\\Temp\\blob.bin', createReadStream(source), { size: content.length });
    } finally {
      await withProgress.close();
    }
    expect((await readFile(server.localPath('C:\\Windows\\Temp\\blob.bin'))).equals(content)).toBe(true);
    expect(progress.at(-1)).toBe(content.length);
    expect(await readdir(server.localPath(server.temp))).toEqual([]);
    expect(server.openShells()).toBe(0);
    // Every command line stays within cmd.exe's 8191 characters.
    expect(Math.max(...server.commands().map((command) => command.length))).toBeLessThanOrEqual(8191);
  });

  it('writes an empty file, creates missing directories and replaces an existing file', async () => {
    await winrm.upload('C:/new/dir/empty.txt', Readable.from([]));
    expect(await readFile(server.localPath('C:\\new\\dir\\empty.txt'))).toHaveLength(0);
    await winrm.upload('C:\\new\\dir\\empty.txt', Readable.from(['now with text\n']));
    expect(await readFile(server.localPath('C:\\new\\dir\\empty.txt'), 'utf8')).toBe('now with text\n');
  });

  it('fails as Packer does when the destination is a directory or ends with a backslash', async () => {
    await mkdir(server.localPath('C:\\taken'), { recursive: true });
    const onDirectory = await winrm.upload('C:\\taken', Readable.from(['x'])).catch((e: unknown) => e);
    expect(isKilnError(onDirectory) && onDirectory.code).toBe('IO');
    expect((onDirectory as Error).message).toMatch(/^Error restoring file from \$env:TEMP\\kiln-upload-[0-9a-f-]+\.tmp to C:\\taken: restore operation returned code=1: /);
    expect(await readdir(server.localPath(server.temp))).toEqual([]);
    const noName = await winrm.upload('C:\\dir\\', Readable.from(['x'])).catch((e: unknown) => e);
    expect((noName as Error).message).toBe('Was unable to infer file basename for upload.');
  });
});

describe('WinrmCommunicator.uploadDir', () => {
  it('puts src into dst\\src, and src/ contents into dst, byte for byte', async () => {
    const tree = join(local, 'site');
    await mkdir(join(tree, 'css', 'deep'), { recursive: true });
    const files = {
      'index.html': Buffer.from('<h1>hi</h1>\r\n'),
      'css/site.css': Buffer.from('body{}'),
      'css/deep/logo.bin': randomBytes(20_000),
    };
    for (const [name, content] of Object.entries(files)) await writeFile(join(tree, name), content);
    const before = server.envelopes.length;
    await winrm.uploadDir('C:\\inetpub', tree);
    // The same 4 shells carry every file (winrmcp opens shells per file, and every 15 chunks).
    expect(server.envelopes.slice(before).filter((envelope) => envelope.action.endsWith('/Create'))).toHaveLength(4);
    await winrm.uploadDir('C:\\flat', `${tree}/`);
    for (const [name, content] of Object.entries(files)) {
      const windows = name.replaceAll('/', '\\');
      expect((await readFile(server.localPath(`C:\\inetpub\\site\\${windows}`))).equals(content)).toBe(true);
      expect((await readFile(server.localPath(`C:\\flat\\${windows}`))).equals(content)).toBe(true);
    }
  });
});

describe('WinrmCommunicator.download', () => {
  it('downloads a file byte for byte', async () => {
    const content = randomBytes(100_000);
    await mkdir(server.localPath('C:\\logs'), { recursive: true });
    await writeFile(server.localPath('C:\\logs\\out.bin'), content);
    const sink = new PassThrough();
    const received = collect(sink);
    await winrm.download('C:\\logs\\out.bin', sink);
    sink.end();
    expect((await received).equals(content)).toBe(true);
  });

  it('says why a download failed, and that directories cannot be downloaded', async () => {
    const error = await winrm.download('C:\\missing.txt', new PassThrough()).catch((e: unknown) => e);
    expect((error as Error).message).toContain("Could not find file 'C:\\missing.txt'");
    await expect(winrm.downloadDir('C:\\logs', local)).rejects.toThrow("WinRM doesn't support download dir.");
  });
});

describe('uploads over NTLM', () => {
  it('uploads through several NTLM-authenticated connections', async () => {
    const ntlm = await startWinrmServer({ auth: 'ntlm' });
    try {
      const communicator = await connectTo(ntlm, { winrm_use_ntlm: true });
      const content = randomBytes(60_000);
      await communicator.upload('C:\\x.bin', Readable.from([content]));
      await communicator.close();
      expect((await readFile(ntlm.localPath('C:\\x.bin'))).equals(content)).toBe(true);
      expect(ntlm.envelopes.filter((envelope) => envelope.auth === 'ntlm').length).toBeGreaterThan(1);
    } finally {
      await ntlm.stop();
    }
  });
});
