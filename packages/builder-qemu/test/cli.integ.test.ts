import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { descendantsOf, isAlive, type TinyVm } from '@kiln/testbed';
import { tsChildArgs } from '@kiln/testbed/ts-child';
import { tinyVmConfig, withTinyVm } from './tinyvm-config.js';

const KILN = fileURLToPath(new URL('./kiln-cli.ts', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../../../examples/qemu/tinyvm.json', import.meta.url));
const run = promisify(execFile);

describe('kiln build of qemu templates (real QEMU)', { timeout: 300_000 }, () => {
  let vm: TinyVm;
  let work: string;
  withTinyVm('kiln-qemu-int-', (readyVm, readyWork) => {
    vm = readyVm;
    work = readyWork;
  });

  it('builds examples/qemu/tinyvm.json with its shell provisioner; the file is in the image', async () => {
    const outputDir = join(work, 'output-example');
    const { stdout } = await run(process.execPath, [...tsChildArgs(), KILN, 'build', '-var', `output_dir=${outputDir}`, EXAMPLE], {
      cwd: work,
      env: { ...process.env, TINYVM_DIR: vm.dir, PACKER_CACHE_DIR: join(work, 'cache'), PACKER_NO_COLOR: '1' },
      timeout: 240_000,
    });
    expect(stdout).toContain(`--> qemu: VM files in directory: ${outputDir}`);
    const raw = join(work, 'example.raw');
    await run('qemu-img', ['convert', '-O', 'raw', join(outputDir, 'tinyvm.qcow2'), raw]);
    const { stdout: provisioned } = await run('debugfs', ['-R', 'cat /root/provisioned', raw]);
    expect(provisioned).toBe('provisioned by qemu\n');
  });

  it('SIGINT during provisioning stops QEMU and removes the output directory', async () => {
    const outputDir = join(work, 'output-interrupted');
    const template = join(work, 'template.json');
    await writeFile(
      template,
      JSON.stringify({
        builders: [
          { type: 'qemu', ...tinyVmConfig(vm, outputDir) },
        ],
        provisioners: [{ type: 'shell', inline: ['echo provisioning-started', 'sleep 300'] }],
      }),
    );
    const child = spawn(process.execPath, [...tsChildArgs(), KILN, 'build', template], {
      cwd: work,
      env: { ...process.env, PACKER_CACHE_DIR: join(work, 'cache'), PACKER_NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => void (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => void (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

    const qemuPids: number[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (output.includes('provisioning-started')) {
          clearInterval(timer);
          resolve();
        } else if (child.exitCode !== null) {
          clearInterval(timer);
          reject(new Error(`kiln exited early:\n${output}`));
        }
      }, 100);
    });
    for (const pid of descendantsOf(child.pid!)) {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('qemu-system')) qemuPids.push(pid);
    }
    expect(existsSync(outputDir)).toBe(true);
    child.kill('SIGINT');
    const code = await exited;

    expect(qemuPids).toHaveLength(1);
    expect(qemuPids.filter(isAlive)).toEqual([]);
    expect(existsSync(outputDir)).toBe(false);
    expect(output).toContain('Cleanly cancelled builds after being interrupted.');
    expect(code).toBe(1);
  });
});
