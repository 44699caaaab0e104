import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { TinyVm } from '@kiln/testbed';
import { tsChildArgs } from '@kiln/testbed/ts-child';
import type { QemuConfig } from '../src/index.js';
import { openDiskImage } from './helpers.js';
import { tinyVmConfig, withTinyVm } from './tinyvm-config.js';

const KILN = fileURLToPath(new URL('./kiln-cli.ts', import.meta.url));

/** `kiln build` of a template written to `work`; resolves with the exit code and everything printed. */
async function kilnBuild(work: string, template: object): Promise<{ code: number; output: string }> {
  const file = join(work, `template-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, JSON.stringify(template));
  const env = { ...process.env, PACKER_CACHE_DIR: join(work, 'cache'), PACKER_NO_COLOR: '1' };
  return new Promise((resolve) => {
    execFile(process.execPath, [...tsChildArgs(), KILN, 'build', file], { cwd: work, env, timeout: 240_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

/** The tiny guest logged into with root's password instead of its key. */
function passwordConfig(vm: TinyVm, outputDir: string, password: string): QemuConfig {
  const { ssh_private_key_file: _key, ...config } = tinyVmConfig(vm, outputDir);
  return { ...config, ssh_password: password };
}

/** What a shell provisioner printed, line by line, without the `    qemu: ` prefix. */
const guestLines = (output: string, marker: string): string[] =>
  [...output.matchAll(new RegExp(`^ {4}qemu: ${marker}(.*)$`, 'gm'))].map((match) => match[1]!);

describe('kiln build on the tiny guest: cd_files, password login, the file provisioner (real QEMU)', { timeout: 300_000 }, () => {
  let vm: TinyVm;
  let work: string;
  withTinyVm('kiln-qemu-prov-', (readyVm, readyWork) => {
    vm = readyVm;
    work = readyWork;
  });

  it('with ssh_password: the cd_files CD is readable in the guest, files and directories go up and come back byte for byte', async () => {
    const outputDir = join(work, 'output-password');
    // The CD: a file at the root and a directory holding a subdirectory.
    await mkdir(join(work, 'cd', 'seed', 'sub'), { recursive: true });
    await writeFile(join(work, 'cd', 'readme.txt'), 'read me from the CD\n');
    await writeFile(join(work, 'cd', 'seed', 'sub', 'inner.txt'), 'nested on the CD\n');
    // The uploads: binary content that any line-ending or encoding mix-up would damage.
    const payload = randomBytes(200 * 1024);
    const deep = randomBytes(4096);
    await writeFile(join(work, 'payload.bin'), payload);
    await mkdir(join(work, 'tree', 'sub'), { recursive: true });
    await writeFile(join(work, 'tree', 'top.txt'), 'top of the tree\n');
    await writeFile(join(work, 'tree', 'sub', 'deep.bin'), deep);

    const { code, output } = await kilnBuild(work, {
      builders: [
        {
          type: 'qemu',
          ...passwordConfig(vm, outputDir, vm.password),
          cd_files: [join(work, 'cd', 'readme.txt'), join(work, 'cd', 'seed')],
          cd_label: 'KILN_SEED',
          ssh_timeout: '5m',
          shutdown_timeout: '2m',
        },
      ],
      provisioners: [
        {
          type: 'shell',
          inline: [
            'load-cdrom',
            'mkdir -p /mnt/cd /root/tree-named /root/tree-contents',
            'mount -t iso9660 -o ro /dev/sr0 /mnt/cd',
            // The volume id: 32 bytes at offset 40 of the primary volume descriptor (sector 16).
            'echo "cd-label: $(dd if=/dev/sr0 bs=1 skip=32808 count=32 2>/dev/null | tr -d " ")"',
            'cd /mnt/cd && find . -type f | sort | while read -r f; do echo "cd-file: $f: $(cat "$f")"; done',
            'cd / && umount /mnt/cd',
          ],
        },
        { type: 'file', source: 'payload.bin', destination: '/root/payload.bin' },
        // Without a trailing slash the directory itself is copied, with one only its contents.
        { type: 'file', source: 'tree', destination: '/root/tree-named' },
        { type: 'file', source: 'tree/', destination: '/root/tree-contents' },
        { type: 'shell', inline: ['sync'] },
        { type: 'file', direction: 'download', source: '/root/payload.bin', destination: 'downloaded/' },
        { type: 'file', direction: 'download', source: '/root/tree-contents/sub/deep.bin', destination: 'downloaded/deep-copy.bin' },
      ],
    });

    expect({ code, output }).toMatchObject({ code: 0 });
    expect(output).toContain('==> qemu: Creating CD disk...');
    expect(guestLines(output, 'cd-label: ')).toEqual(['KILN_SEED']);
    expect(guestLines(output, 'cd-file: ')).toEqual(['./readme.txt: read me from the CD', './seed/sub/inner.txt: nested on the CD']);
    expect(output).toContain('==> qemu: Uploading tree/ => /root/tree-contents');
    expect(output).toContain('==> qemu: Downloading /root/payload.bin => downloaded/');
    expect(output).toContain(`--> qemu: VM files in directory: ${outputDir}`);

    expect((await readFile(join(work, 'downloaded', 'payload.bin'))).equals(payload)).toBe(true);
    expect((await readFile(join(work, 'downloaded', 'deep-copy.bin'))).equals(deep)).toBe(true);

    const image = await openDiskImage(join(outputDir, 'tinyvm.qcow2'));
    try {
      expect((await image.read('/root/payload.bin'))?.equals(payload)).toBe(true);
      expect((await image.read('/root/tree-named/tree/top.txt'))?.toString()).toBe('top of the tree\n');
      expect((await image.read('/root/tree-named/tree/sub/deep.bin'))?.equals(deep)).toBe(true);
      expect((await image.read('/root/tree-contents/top.txt'))?.toString()).toBe('top of the tree\n');
      expect((await image.read('/root/tree-contents/sub/deep.bin'))?.equals(deep)).toBe(true);
      expect(await image.read('/root/tree-contents/tree/top.txt')).toBeUndefined();
    } finally {
      await image.close();
    }
  });

  it('a wrong ssh_password fails the build with the authentication error, not a timeout', async () => {
    const outputDir = join(work, 'output-wrong-password');
    const started = Date.now();

    const { code, output } = await kilnBuild(work, {
      builders: [
        {
          type: 'qemu',
          ...passwordConfig(vm, outputDir, `not-${vm.password}`),
          // Long enough for a boot on a busy machine, short enough that a login retried until the
          // deadline would show; two refusals are enough to give up.
          ssh_timeout: '2m',
          ssh_handshake_attempts: 2,
        },
      ],
      provisioners: [{ type: 'shell', inline: ['echo should-not-run'] }],
    });

    // Packer 1.6.6 says "Packer experienced ... via SSH. This can ..."; Kiln names itself and the target.
    const authError = ' experienced an authentication error when trying to connect via SSH to root@127.0.0.1:';
    const original =
      'This can happen if your username/password are wrong. You may want to double-check your credentials as part of ' +
      'your debugging process. original error: ssh: handshake failed: ssh: unable to authenticate, attempted methods ' +
      '[none password], no supported methods remain';
    expect(code).toBe(1);
    expect(output).toMatch(new RegExp(`^==> qemu: Error waiting for SSH: \\w+${escapeRegExp(authError)}\\d+\\. ${escapeRegExp(original)}$`, 'm'));
    expect(output).toMatch(new RegExp(`^Build 'qemu' errored after [^:]+: \\w+${escapeRegExp(authError)}`, 'm'));
    expect(output).toContain('==> qemu:   password: rejected by the server');
    expect(output).toContain('==> Builds finished but no artifacts were created.');
    expect(output).not.toContain('should-not-run');
    expect(output).not.toContain('Timeout waiting for SSH');
    expect(Date.now() - started).toBeLessThan(120_000);
    expect(existsSync(outputDir)).toBe(false);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
