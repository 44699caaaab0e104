import type { Communicator } from '@kiln/sdk';

/**
 * The file builder has no machine, yet Packer runs its provisioners over a mock communicator on
 * which every command succeeds silently and every transfer is dropped. Templates that test a
 * pipeline with the file builder rely on that, so Kiln keeps it.
 */
export const mockCommunicator: Communicator = {
  type: 'mock',
  exec: async (command) => {
    command.stdin?.resume();
    return { exitStatus: 0 };
  },
  upload: async (_path, content) => {
    content.resume();
  },
  uploadDir: async () => undefined,
  download: async (_path, destination) => {
    destination.end();
  },
  downloadDir: async () => undefined,
};
