import { recordingUi, type Communicator, type RemoteCommand } from '@kiln/sdk';
import { describe, expect, it } from 'vitest';
import { clearAuthorizedKeys, stepCleanupTempKeys } from './steps.js';

function fakeCommunicator(exitStatus = 0): Communicator & { commands: string[] } {
  const commands: string[] = [];
  return {
    type: 'ssh',
    commands,
    exec: async (command: RemoteCommand) => {
      commands.push(command.command);
      command.onStderr?.('sudo: not found');
      return { exitStatus };
    },
    upload: async () => undefined,
    uploadDir: async () => undefined,
    download: async () => undefined,
    downloadDir: async () => undefined,
  };
}

describe('ssh_clear_authorized_keys', () => {
  it("runs Packer's two sed commands and reports their output", async () => {
    const ui = recordingUi();
    const communicator = fakeCommunicator();
    await clearAuthorizedKeys(communicator, 'packer_5fd1a2', ui);
    expect(communicator.commands).toEqual([
      "sed -i.bak '/ packer_5fd1a2$/d' ~/.ssh/authorized_keys; rm ~/.ssh/authorized_keys.bak",
      "sudo sed -i.bak '/ packer_5fd1a2$/d' /root/.ssh/authorized_keys; sudo rm /root/.ssh/authorized_keys.bak",
    ]);
    expect(ui.lines[0]).toBe('say: Trying to remove ephemeral keys from authorized_keys files');
    expect(ui.lines).toContain('error: sudo: not found');
  });

  it.each([
    ['the option is off', { temporary_key_pair_name: 'k' }],
    ['there is no temporary key', { ssh_clear_authorized_keys: true }],
    ['the communicator is not ssh', { ssh_clear_authorized_keys: true, temporary_key_pair_name: 'k', communicator: 'winrm' }],
  ])('does nothing when %s', async (_name, config) => {
    const communicator = fakeCommunicator();
    const step = stepCleanupTempKeys({ config: () => config, communicator: () => communicator });
    await step.run({}, { ui: recordingUi(), signal: new AbortController().signal, provide: () => undefined });
    expect(communicator.commands).toEqual([]);
  });
});
