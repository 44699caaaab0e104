import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildContext } from '@kiln/sdk';
import { startSshd, type Sshd } from '@kiln/testbed';
import { nullBuilderPlugin, type NullConfig } from '../src/index.js';
import { fakeBuildContext, prepareContext } from './fakes.js';

let sshd: Sshd;
beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
});

/** Runs a null build whose provisioning hook runs `whoami` over the communicator it was handed. */
async function build(config: Partial<NullConfig>) {
  const { ctx, ui, calls } = fakeBuildContext();
  const output: string[] = [];
  const buildCtx: BuildContext = {
    ...ctx,
    hook: {
      ...ctx.hook,
      provision: async (communicator, data, signal) => {
        await ctx.hook.provision(communicator, data, signal);
        const { exitStatus } = await communicator!.exec({ command: 'whoami', onStdout: (line) => output.push(line) });
        output.push(`exit ${exitStatus}`);
      },
    },
  };
  const builder = nullBuilderPlugin.create();
  builder.prepare({ ssh_host: sshd.host, ssh_port: sshd.port, ssh_username: sshd.username, ssh_timeout: '5s', ...config } as NullConfig, prepareContext);
  const error = await builder.run(buildCtx).then(
    () => undefined,
    (failure: unknown) => failure as Error,
  );
  return { ui, calls, output, error };
}

describe('null builder over SSH', () => {
  it('connects with a key, provisions, exposes the connection as build data, and closes', async () => {
    const { ui, calls, output, error } = await build({ ssh_private_key_file: sshd.privateKeyPath });
    expect(error).toBeUndefined();
    expect(output).toEqual([sshd.username, 'exit 0']);
    expect(ui.lines.slice(0, 3)).toEqual([
      `say: Using ssh communicator to connect: ${sshd.host}`,
      'say: Waiting for SSH to become available...',
      'say: Connected to SSH!',
    ]);
    expect(calls[0]?.data).toMatchObject({ Host: sshd.host, Port: sshd.port, User: sshd.username, ConnType: 'ssh' });
    expect(calls[0]?.communicator?.type).toBe('ssh');
    await expect(calls[0]!.communicator!.exec({ command: 'true' })).rejects.toThrow(/closed/);
  });

  it.skipIf(process.getuid?.() !== 0)('connects with a password', async () => {
    const { output, error } = await build({ ssh_password: sshd.password! });
    expect(error).toBeUndefined();
    expect(output).toEqual([sshd.username, 'exit 0']);
  });

  it.skipIf(process.getuid?.() !== 0)('says clearly that a wrong password was refused', async () => {
    const { ui, error } = await build({ ssh_password: 'wrong', ssh_handshake_attempts: 1 });
    expect(error?.message).toMatch(/authentication error .* original error: ssh: handshake failed/s);
    expect(ui.lines.at(-1)).toMatch(/^error: Error waiting for SSH: .*authentication error/s);
  });
});
