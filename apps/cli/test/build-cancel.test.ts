import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/kiln.js', import.meta.url));

const TEMPLATE = {
  builders: [
    { type: 'null', name: 'a', communicator: 'none' },
    { type: 'file', name: 'b', target: 'out/b.txt', content: 'x' },
  ],
  provisioners: [
    {
      type: 'shell-local',
      inline: ['sleep 30 &', 'echo $! > sleep-$PACKER_BUILD_NAME.pid', 'echo started', 'wait'],
    },
  ],
  'error-cleanup-provisioner': { type: 'shell-local', inline: ['touch error-cleanup-ran'] },
  'post-processors': ['manifest'],
};

/** Running (a zombie waiting to be reaped by whoever adopted it counts as gone). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
  return !/^\d+ \(.*\) Z/.test(stat);
}

const dir = mkdtempSync(join(tmpdir(), 'kiln-cancel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The built CLI (bin/kiln.js runs dist/), as a user runs it, interrupted as a user would.
describe('Ctrl-C during a shell-local provisioner', () => {
  it('cancels every build, cleans up every started step, leaves no temp file nor process, exits 1', async () => {
    const scratch = join(dir, 'tmp');
    mkdirSync(scratch);
    writeFileSync(join(dir, 't.json'), JSON.stringify(TEMPLATE));
    const child = spawn(process.execPath, [BIN, 'build', '-color=false', 't.json'], {
      cwd: dir,
      env: { ...process.env, TMPDIR: scratch, PACKER_LOG: '', KILN_LOG: '' },
    });
    let stdout = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.split('started').length === 3) resolve();
      }),
    );
    const sleepers = ['a', 'b'].map((build) => Number(readFileSync(join(dir, `sleep-${build}.pid`), 'utf8')));
    expect(sleepers.every(alive)).toBe(true);

    child.kill('SIGINT');
    expect(await exited).toBe(1);

    expect(stdout).toContain('Cancelling build after receiving interrupt\n');
    expect(stdout).toContain("==> a: Cleaning up step 'StepProvision'...\n==> a: Cleaning up step 'StepConnect'...\n");
    expect(stdout).toMatch(/^Build 'a' cancelled after .*\.$/m);
    expect(stdout).toMatch(/^Build 'b' cancelled after .*\.$/m);
    expect(stdout.endsWith('Cleanly cancelled builds after being interrupted.\n')).toBe(true);
    // No post-processor and no error-cleanup-provisioner after a cancel, as in Packer.
    expect(stdout).not.toContain('Running post-processor');
    expect(existsSync(join(dir, 'packer-manifest.json'))).toBe(false);
    expect(existsSync(join(dir, 'error-cleanup-ran'))).toBe(false);
    // Beyond Packer (which leaves its packer-shell script behind): nothing left running or lying around.
    expect(readdirSync(scratch)).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sleepers.filter(alive)).toEqual([]);
  });
});
