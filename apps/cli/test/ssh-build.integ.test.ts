import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type Sshd } from '@kiln/testbed';
import { runKiln } from './run-kiln.js';

// `kiln build` of a null builder over SSH against the testbed's private sshd, end to end through
// core, the null builder, the SSH communicator and the shell and file provisioners, next to what
// Packer 1.6.6 prints for the same template.

const hasPacker = spawnSync('packer', ['version'], { encoding: 'utf8' }).stdout?.includes('Packer v1.6.6') ?? false;
let sshd: Sshd;
const dir = mkdtempSync(join(tmpdir(), 'kiln-ssh-build-'));
const remote = `/tmp/kiln-ssh-build-${process.pid}`;

beforeAll(async () => {
  sshd = await startSshd();
  mkdirSync(join(dir, 'tree', 'sub'), { recursive: true });
  writeFileSync(join(dir, 'tree', 'a.txt'), 'a\n');
  chmodSync(join(dir, 'tree', 'a.txt'), 0o600);
  writeFileSync(join(dir, 'tree', 'sub', 'b.txt'), 'b\n');
});
afterAll(async () => {
  await sshd?.stop();
});

function template(auth: Record<string, unknown>, out: string) {
  return {
    builders: [{ type: 'null', ssh_host: sshd.host, ssh_port: sshd.port, ssh_username: sshd.username, ...auth }],
    provisioners: [
      { type: 'shell', inline: [`rm -rf ${remote}-${out}; mkdir -p ${remote}-${out}`] },
      {
        type: 'shell',
        inline: ['echo "$A|$B|$PACKER_BUILD_NAME"'],
        environment_vars: [`A=it's "q" $HOME`, 'B=two  spaces'],
      },
      // stderr in a command of its own: within one command, Packer's stdout and stderr lines race.
      { type: 'shell', inline: ['echo err >&2'] },
      // absolute local paths: runKiln runs in this process, whose working directory is not `dir`
      { type: 'file', source: join(dir, 'tree'), destination: `${remote}-${out}` },
      { type: 'file', source: `${remote}-${out}/tree/`, destination: `${join(dir, out)}/`, direction: 'download' },
      { type: 'shell', inline: [`rm -rf ${remote}-${out}`] },
    ],
  };
}

/** What differs between two runs: durations and temp script names. */
const normalise = (text: string) =>
  text.replace(/after \d+ [a-z]+( \d+ [a-z]+)?/g, 'after <duration>').replace(/\S*packer-shell\d+/g, '<script>');

describe('kiln build with the null builder over SSH', () => {
  it('provisions with a key: shell with quoted environment, file up and down with modes kept', async () => {
    const path = join(dir, 'key.json');
    writeFileSync(path, JSON.stringify(template({ ssh_private_key_file: sshd.privateKeyPath }, 'kiln-key')));
    const kiln = await runKiln(['build', '-color=false', 'key.json'], { cwd: dir });
    expect(kiln.stderr).toBe('');
    expect(kiln.code).toBe(0);
    expect(kiln.stdout).toContain(`    null: it's "q" $HOME|two  spaces|null\n`);
    expect(kiln.stdout).toContain(`\n==> null: err\n`);
    expect(readFileSync(join(dir, 'kiln-key', 'tree', 'sub', 'b.txt'), 'utf8')).toBe('b\n');
    expect(statSync(join(dir, 'kiln-key', 'tree', 'a.txt')).mode & 0o777).toBe(0o600);

    if (hasPacker) {
      writeFileSync(path, JSON.stringify(template({ ssh_private_key_file: sshd.privateKeyPath }, 'packer-key')));
      const packer = spawnSync('packer', ['build', '-color=false', 'key.json'], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, CHECKPOINT_DISABLE: '1' },
        timeout: 60_000,
      });
      expect(packer.status).toBe(0);
      expect(normalise(kiln.stdout).replaceAll('kiln-key', 'X')).toBe(normalise(packer.stdout).replaceAll('packer-key', 'X'));
    }
  });

  it.skipIf(process.getuid?.() !== 0)('provisions with a password, and says clearly when it is wrong', async () => {
    writeFileSync(join(dir, 'password.json'), JSON.stringify(template({ ssh_password: sshd.password! }, 'kiln-password')));
    const good = await runKiln(['build', '-color=false', 'password.json'], { cwd: dir });
    expect(good.code).toBe(0);
    expect(readFileSync(join(dir, 'kiln-password', 'tree', 'a.txt'), 'utf8')).toBe('a\n');

    const wrong = template({ ssh_password: 'wrong', ssh_handshake_attempts: 1 }, 'kiln-wrong');
    writeFileSync(join(dir, 'wrong.json'), JSON.stringify(wrong));
    const refused = await runKiln(['build', '-color=false', 'wrong.json'], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/==> null: Error waiting for SSH: Kiln experienced an authentication error when trying to connect via SSH/);
  });
});
