import { certifyKey } from './certificate.js';
import { COMMUNICATOR_TYPES, type SshConfig } from './config.js';
import { expandUser, loadPrivateKeyFile, statKeyFile } from './keys.js';
import { parseTunnel } from './tunnel-spec.js';

/**
 * Packer's communicator checks at prepare time (communicator.Config.Prepare), with its messages:
 * returns one message per problem, empty when the config is usable. Reads the key files named
 * in the config (they must exist and parse), as Packer does.
 */
export function validateSshConfig(config: SshConfig): string[] {
  const type = config.communicator === undefined || config.communicator === '' ? 'ssh' : config.communicator;
  if (!(COMMUNICATOR_TYPES as readonly string[]).includes(type)) return [`Communicator type ${type} is invalid`];
  if (type !== 'ssh') return [];

  const errors: string[] = [];
  if (!config.ssh_username) {
    errors.push('An ssh_username must be specified\n  Note: some builders used to default ssh_username to "root".');
  }
  const keyFile = config.ssh_private_key_file || undefined;
  if (keyFile) errors.push(...checkKeyFile('ssh_private_key_file', keyFile, config.ssh_certificate_file || undefined));

  if (config.ssh_bastion_host && !config.ssh_bastion_agent_auth) {
    const bastionKey = config.ssh_bastion_private_key_file || keyFile;
    if (!config.ssh_bastion_password && !bastionKey) {
      errors.push('ssh_bastion_password or ssh_bastion_private_key_file must be specified');
    } else if (bastionKey) {
      const certificate = config.ssh_bastion_certificate_file || config.ssh_certificate_file || undefined;
      errors.push(...checkKeyFile('ssh_bastion_private_key_file', bastionKey, certificate));
    }
  }

  const method = config.ssh_file_transfer_method || 'scp';
  if (method !== 'scp' && method !== 'sftp') {
    errors.push(`ssh_file_transfer_method ('${method}') is invalid, valid methods: sftp, scp`);
  }
  if (config.ssh_bastion_host && config.ssh_proxy_host) {
    errors.push('please specify either ssh_bastion_host or ssh_proxy_host, not both');
  }
  for (const [key, specs] of [
    ['ssh_local_tunnels', config.ssh_local_tunnels],
    ['ssh_remote_tunnels', config.ssh_remote_tunnels],
  ] as const) {
    for (const spec of specs ?? []) {
      const parsed = parseTunnel(spec, 'local');
      if (!parsed.ok) errors.push(`${key} ('${spec}') is invalid: ${parsed.error}`);
    }
  }
  return errors;
}

function checkKeyFile(key: string, file: string, certificateFile: string | undefined): string[] {
  let path: string;
  try {
    path = expandUser(file);
  } catch (error) {
    return [`${key} is invalid: ${(error as Error).message}`];
  }
  const missing = statKeyFile(path);
  if (missing) return [`${key} is invalid: ${missing}`];
  try {
    const loaded = loadPrivateKeyFile(path);
    if (certificateFile) certifyKey(loaded, expandUser(certificateFile));
    return [];
  } catch (error) {
    return [`${key} is invalid: ${(error as Error).message}`];
  }
}
