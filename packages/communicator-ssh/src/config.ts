/**
 * The communicator options of a builder, as a template writes them (Packer's communicator.Config
 * with its SSH part): builders merge `sshConfigSchema` into their own schema and
 * `validateSshConfig` into their checks.
 */
export interface SshConfig {
  readonly communicator?: string;
  readonly pause_before_connecting?: string;
  readonly ssh_host?: string;
  readonly ssh_port?: number;
  readonly ssh_username?: string;
  readonly ssh_password?: string;
  readonly ssh_keypair_name?: string;
  readonly temporary_key_pair_name?: string;
  readonly temporary_key_pair_type?: string;
  readonly temporary_key_pair_bits?: number;
  readonly ssh_ciphers?: readonly string[];
  readonly ssh_clear_authorized_keys?: boolean;
  readonly ssh_key_exchange_algorithms?: readonly string[];
  readonly ssh_private_key_file?: string;
  readonly ssh_certificate_file?: string;
  readonly ssh_pty?: boolean;
  readonly ssh_timeout?: string;
  /** Deprecated alias of ssh_timeout; wins when both are set, as in Packer. */
  readonly ssh_wait_timeout?: string;
  readonly ssh_agent_auth?: boolean;
  readonly ssh_disable_agent_forwarding?: boolean;
  readonly ssh_handshake_attempts?: number;
  readonly ssh_bastion_host?: string;
  readonly ssh_bastion_port?: number;
  readonly ssh_bastion_agent_auth?: boolean;
  readonly ssh_bastion_username?: string;
  readonly ssh_bastion_password?: string;
  readonly ssh_bastion_interactive?: boolean;
  readonly ssh_bastion_private_key_file?: string;
  readonly ssh_bastion_certificate_file?: string;
  readonly ssh_file_transfer_method?: string;
  readonly ssh_proxy_host?: string;
  readonly ssh_proxy_port?: number;
  readonly ssh_proxy_username?: string;
  readonly ssh_proxy_password?: string;
  readonly ssh_keep_alive_interval?: string;
  readonly ssh_read_write_timeout?: string;
  readonly ssh_remote_tunnels?: readonly string[];
  readonly ssh_local_tunnels?: readonly string[];
}

/** Packer's defaults for the options that have one. */
export const SSH_DEFAULTS = {
  port: 22,
  timeout: '5m',
  keepAliveInterval: '5s',
  handshakeAttempts: 10,
  bastionPort: 22,
  proxyPort: 1080,
  fileTransferMethod: 'scp',
} as const;

/** The communicator types Packer 1.6.6 accepts (`Communicator type X is invalid` otherwise). */
export const COMMUNICATOR_TYPES = ['ssh', 'winrm', 'docker', 'dockerWindowsContainer', 'none'] as const;
