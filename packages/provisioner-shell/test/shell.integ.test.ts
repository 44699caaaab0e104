import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSsh, type SshCommunicator } from '@kiln/communicator-ssh';
import { provisionHookData, recordingUi, type Ui } from '@kiln/sdk';
import { startSshd, type Sshd } from '@kiln/testbed';
import { planShell, runShell, type ShellConfig } from '../src/index.js';
import { fakeRender } from './fake-render.js';

let sshd: Sshd;
let communicator: SshCommunicator;
const env = { buildName: 'web', builderType: 'null', runUuid: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee' };
const local = mkdtempSync(join(tmpdir(), 'kiln-shell-integ-'));

beforeAll(async () => {
  sshd = await startSshd();
  communicator = await connectSsh({
    host: sshd.host,
    port: sshd.port,
    config: { ssh_username: sshd.username, ssh_private_key_file: sshd.privateKeyPath, ssh_timeout: '20s' },
  });
});
afterAll(async () => {
  await communicator?.close();
  await sshd?.stop();
});

async function provision(config: ShellConfig, ui: Ui & { lines: string[] } = recordingUi(), comm = communicator) {
  const { plan, errors } = planShell(config);
  expect(errors).toEqual([]);
  const error = await runShell(plan, {
    ui,
    communicator: comm,
    signal: new AbortController().signal,
    env,
    generatedData: provisionHookData({ instanceId: 'Null', httpIp: '10.0.2.2', httpPort: 8123 }, env.runUuid),
    render: fakeRender,
    retryDelayMs: 100,
  }).then(
    () => undefined,
    (failure: unknown) => failure as Error,
  );
  return { ui, error, messages: ui.lines.filter((line) => !line.startsWith('say: ')) };
}

const tricky = [`it's "quoted"`, 'two  spaces', '$HOME and ${PATH} and `id`', 'back\\slash', 'a=b'];
const trickyVars = tricky.map((value, i) => `V${i}=${value}`);
const printVars = tricky.map((_value, i) => `printf '%s\\n' "$V${i}"`);

describe('shell provisioner over SSH', () => {
  it('runs inline commands with environment values arriving byte for byte, and the PACKER_* variables', async () => {
    const { error, messages } = await provision({
      inline: [...printVars, 'echo "$PACKER_BUILD_NAME $PACKER_BUILDER_TYPE $PACKER_HTTP_ADDR"', 'echo oops >&2'],
      environment_vars: trickyVars,
    });
    expect(error).toBeUndefined();
    expect(messages).toEqual([...tricky.map((value) => `message: ${value}`), 'message: web null 10.0.2.2:8123', 'error: oops']);
  });

  it('does the same through a sourced variables file, which it then removes', async () => {
    const folder = `/tmp/kiln-varfile-${process.pid}`;
    await communicator.exec({ command: `mkdir -p ${folder}` });
    const { error, messages } = await provision({
      inline: [...printVars, `ls ${folder}`],
      environment_vars: trickyVars,
      use_env_var_file: true,
      remote_folder: folder,
    });
    expect(error).toBeUndefined();
    expect(messages.slice(0, tricky.length)).toEqual(tricky.map((value) => `message: ${value}`));
    // while the script ran: itself and the variables file
    expect(messages.slice(tricky.length).sort()).toEqual([expect.stringMatching(/^message: script_\d+\.sh$/), expect.stringMatching(/^message: varfile_\d+\.sh$/)]);
    const left: string[] = [];
    await communicator.exec({ command: `ls -A ${folder}; rmdir ${folder}`, onStdout: (line) => left.push(line) });
    expect(left).toEqual([]);
  });

  it('uploads scripts with CRLF converted, runs them, and removes them unless skip_clean', async () => {
    const script = join(local, 'windows.sh');
    writeFileSync(script, '#!/bin/sh\r\necho "line one"\r\necho "dollar: $0"\r\n');
    const { error, messages } = await provision({ script, remote_path: '/tmp/kiln-integ-script.sh' });
    expect(error).toBeUndefined();
    expect(messages).toEqual(['message: line one', 'message: dollar: /tmp/kiln-integ-script.sh']);
    const gone = await communicator.exec({ command: 'test ! -e /tmp/kiln-integ-script.sh' });
    expect(gone.exitStatus).toBe(0);

    await provision({ script, remote_path: '/tmp/kiln-integ-kept.sh', skip_clean: true });
    const kept = await communicator.exec({ command: 'test -x /tmp/kiln-integ-kept.sh && rm /tmp/kiln-integ-kept.sh' });
    expect(kept.exitStatus).toBe(0);
  });

  it('fails with Packer message on a disallowed exit code, and passes an allowed one', async () => {
    const failed = await provision({ inline: ['exit 7'], remote_path: '/tmp/kiln-integ-exit.sh' });
    expect(failed.error?.message).toBe('Script exited with non-zero exit status: 7.Allowed exit codes are: [0]');
    // as in Packer, a failed script stays on the machine
    expect((await communicator.exec({ command: 'rm /tmp/kiln-integ-exit.sh' })).exitStatus).toBe(0);
    const allowed = await provision({ inline: ['exit 7'], valid_exit_codes: [0, 7] });
    expect(allowed.error).toBeUndefined();
  });

  describe('a script that restarts sshd mid-run', () => {
    // An sshd restart and the reconnection take seconds on a loaded 2-core machine.
    const REBOOT_TEST_TIMEOUT_MS = 90_000;
    /** A Ui that restarts the sshd (dropping every connection) when the script says so: a reboot. */
    const rebootingUi = () => {
      const ui = recordingUi();
      const restarted: Promise<void>[] = [];
      return {
        restarted,
        ui: {
          ...ui,
          lines: ui.lines,
          message: (line: string) => {
            ui.message(line);
            if (line === 'rebooting') restarted.push(sshd.restart());
          },
        },
      };
    };
    const script = ['echo rebooting', 'sleep 30', 'echo never'];

    it('passes with expect_disconnect, cleans up after the machine is back, and the next script runs', async () => {
      const { ui, restarted } = rebootingUi();
      const result = await provision({ inline: script, expect_disconnect: true, remote_path: '/tmp/kiln-reboot.sh' }, ui);
      await Promise.all(restarted);
      expect(result.error).toBeUndefined();
      expect(result.messages).toEqual(['message: rebooting']);
      const after = await provision({ inline: ['test ! -e /tmp/kiln-reboot.sh && echo cleaned'] });
      expect(after.messages).toEqual(['message: cleaned']);
    }, REBOOT_TEST_TIMEOUT_MS);

    it('fails clearly without expect_disconnect', async () => {
      const { ui, restarted } = rebootingUi();
      const result = await provision({ inline: script, remote_path: '/tmp/kiln-reboot-unexpected.sh' }, ui);
      await Promise.all(restarted);
      expect(result.error?.message).toMatch(/^Script disconnected unexpectedly\. If you expected your script to disconnect/);
      expect((await communicator.exec({ command: 'rm /tmp/kiln-reboot-unexpected.sh' })).exitStatus).toBe(0);
    }, REBOOT_TEST_TIMEOUT_MS);
  });
});
