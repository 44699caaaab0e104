import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { startMoto, startWinrmServer, type Moto, type WinrmServer } from '@kiln/testbed';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Hook } from '@kiln/sdk';
import { SOURCE_AMI, TEST_AMIS } from './support/amis.js';
import { motoConfig, noProvisioners, runBuilder } from './support/harness.js';

// moto's instances are not reachable: winrm_host points StepConnect at the testbed's fake WinRM
// listener, as ssh_host points SSH tests at the testbed sshd.

let moto: Moto;
let winrm: WinrmServer;
beforeAll(async () => {
  [moto, winrm] = await Promise.all([startMoto({ amis: TEST_AMIS }), startWinrmServer()]);
}, 60_000);
afterAll(async () => {
  await Promise.all([winrm?.stop(), moto?.stop()]);
});
beforeEach(() => moto.reset());

function winrmConfig(password: string) {
  return motoConfig(moto.endpoint, {
    source_ami: SOURCE_AMI,
    communicator: 'winrm',
    winrm_host: winrm.host,
    winrm_port: winrm.port,
    winrm_username: winrm.username,
    winrm_password: password,
    winrm_timeout: '20s',
  });
}

describe('amazon-ebs with the winrm communicator', () => {
  it('connects over WinRM and provisions through it before the AMI is made', async () => {
    const hook: Hook = {
      ...noProvisioners,
      provision: async (communicator) => {
        await communicator?.upload('C:\\Windows\\Temp\\setup.ps1', Readable.from([Buffer.from('Write-Output "ready"\r\n')]));
      },
    };
    const { artifact, error, lines } = await runBuilder(winrmConfig(winrm.password), { hook });
    expect(error).toBeUndefined();
    expect(lines).toContain(`say: Using winrm communicator to connect: ${winrm.host}`);
    expect(lines).toContain('say: Connected to WinRM!');
    expect(readFileSync(winrm.localPath('C:\\Windows\\Temp\\setup.ps1'), 'utf8')).toBe('Write-Output "ready"\r\n');
    expect(artifact?.id).toMatch(/^us-east-1:ami-/);
    expect(winrm.openShells()).toBe(0);
  });

  it('fails the build with the user and address when WinRM refuses the password, and cleans up', async () => {
    const { artifact, error, lines } = await runBuilder(winrmConfig('wrong-password'));
    expect(artifact).toBeUndefined();
    expect(error?.message).toContain(`${winrm.username}@${winrm.host}:${winrm.port}`);
    expect(lines.some((line) => line.startsWith('say: Terminating the source AWS instance'))).toBe(true);
  }, 60_000);
});
