import { KilnError, type Communicator } from '@kiln/sdk';

const NO_COMMUNICATOR =
  'No communicator found for provisioners! This is usually because the\n' +
  '`communicator` config was set to "none". If you have any provisioners\n' +
  'then a communicator is required. Please fix this to continue.';

const refuse = (): Promise<never> => Promise.reject(new KilnError('CONFIG_INVALID', NO_COMMUNICATOR));

/**
 * What a build with `communicator: none` hands the provisioning hook: provisioners that run
 * locally (shell-local) work as in Packer, and one that needs the machine fails with Packer's
 * message (where Packer 1.6.6 hangs forever).
 */
export const noneCommunicator: Communicator = {
  type: 'none',
  exec: refuse,
  upload: refuse,
  uploadDir: refuse,
  download: refuse,
  downloadDir: refuse,
};
