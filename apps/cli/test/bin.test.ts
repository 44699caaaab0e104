import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startSshd } from '@kiln/testbed';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/kiln.js', import.meta.url));

// The published entry point runs the compiled CLI (dist/, built by the root `prepare` script on
// npm install), as a user's shell would.
describe('bin/kiln.js', () => {
  it('runs `kiln version` and exits 0', async () => {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, 'version']);
    expect(stdout).toBe('Kiln v0.1.0 (implements Packer v1.6.6 templates)\n');
    expect(stderr).toBe('');
  });

  it('passes the exit status through (unknown verb: 127)', async () => {
    const failure = await promisify(execFile)(process.execPath, [BIN, 'no-such-verb']).catch(
      (error: { code: number; stdout: string }) => error,
    );
    expect('code' in failure ? failure.code : 0).toBe(127);
  });

  it('turns the first Ctrl-C of a build into a clean cancellation, exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiln-signal-'));
    writeFileSync(
      join(dir, 't.json'),
      '{"builders":[{"type":"null","communicator":"none"}],' +
        '"provisioners":[{"type":"shell-local","inline":["echo started","sleep 30"]}]}',
    );
    const child = spawn(process.execPath, [BIN, 'build', '-color=false', 't.json'], { cwd: dir });
    let stdout = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const started = new Promise<boolean>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('started')) resolve(true);
      });
      child.on('exit', () => resolve(false));
    });
    expect(await started, `the build never started:\n${stdout}`).toBe(true);
    child.kill('SIGINT');
    expect(await exited).toBe(1);
    expect(stdout).toContain('Cleanly cancelled builds after being interrupted.');
  });

  it('builds over SSH (ssh2 loads from node_modules beside the bundle) and keeps the compiled CLI per verb', async () => {
    const sshd = await startSshd();
    try {
      const dir = mkdtempSync(join(tmpdir(), 'kiln-bin-ssh-'));
      const builder = { type: 'null', ssh_host: sshd.host, ssh_port: sshd.port, ssh_username: sshd.username, ssh_private_key_file: sshd.privateKeyPath };
      writeFileSync(join(dir, 't.json'), JSON.stringify({ builders: [builder], provisioners: [{ type: 'shell', inline: ['echo "hello from $(uname -s)"'] }] }));
      const env = { PATH: process.env['PATH'] ?? '', HOME: dir };
      const { stdout } = await promisify(execFile)(process.execPath, [BIN, 'build', '-color=false', 't.json'], { cwd: dir, env });
      expect(stdout).toContain('    null: hello from Linux\n');
      expect(stdout).toContain("Build 'null' finished");
      await promisify(execFile)(process.execPath, [BIN, 'validate', 't.json'], { cwd: dir, env });
      expect(readdirSync(join(dir, '.cache', 'kiln', 'code-cache')).sort()).toEqual([
        expect.stringMatching(/^kiln\.cjs-build-[0-9a-f]{16}-[0-9a-f]{8}\.v8$/),
        expect.stringMatching(/^kiln\.cjs-validate-[0-9a-f]{16}-[0-9a-f]{8}\.v8$/),
      ]);
    } finally {
      await sshd.stop();
    }
  }, 60_000);
});
