import type { JsonSchema } from '@kiln/sdk';

const text = (description: string, extra: Partial<JsonSchema> = {}): JsonSchema => ({ type: 'string', description, ...extra });
const secret = (description: string): JsonSchema => text(description, { 'x-kiln-secret': true });
const duration = (description: string, extra: Partial<JsonSchema> = {}): JsonSchema =>
  text(description, { 'x-kiln-duration': true, ...extra });
const integer = (description: string, extra: Partial<JsonSchema> = {}): JsonSchema => ({ type: 'integer', description, ...extra });
const flag = (description: string): JsonSchema => ({ type: 'boolean', description });
const list = (description: string): JsonSchema => ({ type: 'array', items: { type: 'string' }, description });

/**
 * The JSON Schema properties of the communicator options. Values Packer checks with its own
 * words (communicator, ssh_file_transfer_method, tunnels, key files) are left open here and checked
 * by validateSshConfig, so the messages read as Packer's.
 */
export const sshConfigProperties: Readonly<Record<string, JsonSchema>> = {
  communicator: text('How provisioners reach the machine: `ssh` (default), `winrm` or `none`.', { default: 'ssh' }),
  pause_before_connecting: duration(
    'After the first successful connection, disconnect and wait this long before connecting again to provision.',
  ),
  ssh_host: text('The address to SSH to; usually set by the builder.'),
  ssh_port: integer('The port to connect to SSH.', { default: 22 }),
  ssh_username: text('The username to connect to SSH with. Required when using SSH.'),
  ssh_password: secret('A plaintext password to authenticate with (password and keyboard-interactive).'),
  ssh_keypair_name: text('An existing key pair on the remote to use; needs ssh_private_key_file or ssh_agent_auth.'),
  temporary_key_pair_name: text('The name of the temporary key pair the builder generates (`packer_<UUID>` by default).'),
  temporary_key_pair_type: text('Type of the temporary key pair: `rsa` (default), `dsa`, `ecdsa` or `ed25519`.'),
  temporary_key_pair_bits: integer('Bits of the temporary key pair (RSA 4096 by default; ECDSA 256, 384 or 521).'),
  ssh_ciphers: list('Replaces the default cipher list, e.g. `aes128-gcm@openssh.com`, `aes256-ctr`.'),
  ssh_clear_authorized_keys: flag(
    'Remove the temporary key from ~/.ssh/authorized_keys and /root/.ssh/authorized_keys after provisioning.',
  ),
  ssh_key_exchange_algorithms: list('Replaces the default key exchange list, e.g. `curve25519-sha256@libssh.org`.'),
  ssh_private_key_file: text('Path to a private key to authenticate with; `~` is expanded. Must not be encrypted.'),
  ssh_certificate_file: text('Path to a user certificate signed for ssh_private_key_file; `~` is expanded.'),
  ssh_pty: flag('Request a pseudo-terminal (xterm, 40x80, echo off) for every command.'),
  ssh_timeout: duration('How long to wait for SSH to become available.', { default: '5m' }),
  ssh_wait_timeout: duration('Deprecated alias of ssh_timeout.', { deprecated: true }),
  ssh_agent_auth: flag('Authenticate with the local SSH agent (SSH_AUTH_SOCK).'),
  ssh_disable_agent_forwarding: flag('Do not forward the local SSH agent to the remote.'),
  ssh_handshake_attempts: integer('How many authentication failures to accept before giving up.', { default: 10 }),
  ssh_bastion_host: text('A bastion (jump) host to reach ssh_host through.'),
  ssh_bastion_port: integer('The port of the bastion host.', { default: 22 }),
  ssh_bastion_agent_auth: flag('Authenticate with the bastion through the local SSH agent.'),
  ssh_bastion_username: text('The username on the bastion host.'),
  ssh_bastion_password: secret('The password on the bastion host.'),
  ssh_bastion_interactive: flag('Answer the bastion\'s keyboard-interactive prompts from the terminal.'),
  ssh_bastion_private_key_file: text('Private key for the bastion; defaults to ssh_private_key_file.'),
  ssh_bastion_certificate_file: text('User certificate for the bastion; defaults to ssh_certificate_file.'),
  ssh_file_transfer_method: text('How to transfer files: `scp` (default) or `sftp`.', { default: 'scp' }),
  ssh_proxy_host: text('A SOCKS5 proxy to connect through.'),
  ssh_proxy_port: integer('The port of the SOCKS5 proxy.', { default: 1080 }),
  ssh_proxy_username: text('The username for the SOCKS5 proxy.'),
  ssh_proxy_password: secret('The password for the SOCKS5 proxy.'),
  ssh_keep_alive_interval: duration('How often to send keep-alive requests; negative disables.', { default: '5s' }),
  ssh_read_write_timeout: duration(
    'Drop the connection when nothing is read or written for this long (0, the default, never does).',
  ),
  ssh_remote_tunnels: list('Remote port forwards, `port:host:hostport` (the remote listens on port).'),
  ssh_local_tunnels: list('Local port forwards, `port:host:hostport` (Kiln listens on localhost:port).'),
};

/** The options as one object schema, for builders that compose with allOf. */
export const sshConfigSchema: JsonSchema = { type: 'object', properties: sshConfigProperties };
