import { parseGoDuration } from '@kiln/sdk';
import { SSH_DEFAULTS, type SshConfig } from './config.js';
import { parseTunnel, type TunnelSpec } from './tunnel-spec.js';

export interface BastionSettings {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password?: string;
  readonly privateKeyFile?: string;
  readonly certificateFile?: string;
  readonly agentAuth: boolean;
  readonly interactive: boolean;
}

export interface ProxySettings {
  readonly host: string;
  readonly port: number;
  readonly username?: string;
  readonly password?: string;
}

/** The communicator options with Packer's defaults applied and durations in milliseconds. */
export interface SshSettings {
  readonly username: string;
  readonly password?: string;
  readonly privateKeyFile?: string;
  readonly certificateFile?: string;
  readonly agentAuth: boolean;
  readonly disableAgentForwarding: boolean;
  readonly pty: boolean;
  readonly timeoutMs: number;
  readonly handshakeAttempts: number;
  /** <= 0 disables keep-alives. */
  readonly keepAliveIntervalMs: number;
  /** 0: no limit. */
  readonly readWriteTimeoutMs: number;
  readonly ciphers?: readonly string[];
  readonly keyExchangeAlgorithms?: readonly string[];
  readonly fileTransferMethod: 'scp' | 'sftp';
  readonly bastion?: BastionSettings;
  readonly proxy?: ProxySettings;
  readonly tunnels: readonly TunnelSpec[];
  readonly pauseBeforeConnectingMs: number;
  readonly clearAuthorizedKeys: boolean;
  /** The comment of the temporary key in authorized_keys, for ssh_clear_authorized_keys. */
  readonly temporaryKeyPairName?: string;
}

const nonEmpty = (value: string | undefined): string | undefined => (value === undefined || value === '' ? undefined : value);

function durationMs(value: string | undefined, fallback: string): number {
  const text = nonEmpty(value) ?? fallback;
  // A zero duration means "unset" to Packer (Go zero value), so the default applies.
  const ms = parseGoDuration(text);
  if (ms === undefined || ms === 0) return parseGoDuration(fallback) ?? 0;
  return ms;
}

/**
 * Applies Packer's prepare-time defaults (communicator.Config.prepareSSH). Assumes the config
 * passed validateSshConfig; an unparsable tunnel is skipped here.
 */
export function resolveSshSettings(config: SshConfig): SshSettings {
  const privateKeyFile = nonEmpty(config.ssh_private_key_file);
  const certificateFile = nonEmpty(config.ssh_certificate_file);
  const bastionHost = nonEmpty(config.ssh_bastion_host);
  const proxyHost = nonEmpty(config.ssh_proxy_host);
  const tunnels = [
    ...(config.ssh_local_tunnels ?? []).map((spec) => parseTunnel(spec, 'local')),
    ...(config.ssh_remote_tunnels ?? []).map((spec) => parseTunnel(spec, 'remote')),
  ].flatMap((parsed) => (parsed.ok ? [parsed.tunnel] : []));
  // ssh_wait_timeout is the deprecated spelling and, as in Packer, wins when set.
  const timeout = nonEmpty(config.ssh_wait_timeout) ?? config.ssh_timeout;
  return {
    username: config.ssh_username ?? '',
    ...(nonEmpty(config.ssh_password) ? { password: config.ssh_password } : {}),
    ...(privateKeyFile ? { privateKeyFile } : {}),
    ...(certificateFile ? { certificateFile } : {}),
    agentAuth: config.ssh_agent_auth === true,
    disableAgentForwarding: config.ssh_disable_agent_forwarding === true,
    pty: config.ssh_pty === true,
    timeoutMs: durationMs(timeout, SSH_DEFAULTS.timeout),
    handshakeAttempts: config.ssh_handshake_attempts || SSH_DEFAULTS.handshakeAttempts,
    keepAliveIntervalMs: durationMs(config.ssh_keep_alive_interval, SSH_DEFAULTS.keepAliveInterval),
    readWriteTimeoutMs: parseGoDuration(config.ssh_read_write_timeout ?? '0') ?? 0,
    ...(config.ssh_ciphers?.length ? { ciphers: config.ssh_ciphers } : {}),
    ...(config.ssh_key_exchange_algorithms?.length ? { keyExchangeAlgorithms: config.ssh_key_exchange_algorithms } : {}),
    fileTransferMethod: config.ssh_file_transfer_method === 'sftp' ? 'sftp' : 'scp',
    ...(bastionHost
      ? {
          bastion: {
            host: bastionHost,
            port: config.ssh_bastion_port || SSH_DEFAULTS.bastionPort,
            username: config.ssh_bastion_username ?? '',
            ...(nonEmpty(config.ssh_bastion_password) ? { password: config.ssh_bastion_password } : {}),
            ...withKeyFile(nonEmpty(config.ssh_bastion_private_key_file) ?? privateKeyFile),
            ...withCertificateFile(nonEmpty(config.ssh_bastion_certificate_file) ?? certificateFile),
            agentAuth: config.ssh_bastion_agent_auth === true,
            interactive: config.ssh_bastion_interactive === true,
          },
        }
      : {}),
    ...(proxyHost
      ? {
          proxy: {
            host: proxyHost,
            port: config.ssh_proxy_port || SSH_DEFAULTS.proxyPort,
            ...(nonEmpty(config.ssh_proxy_username)
              ? { username: config.ssh_proxy_username, password: config.ssh_proxy_password ?? '' }
              : {}),
          },
        }
      : {}),
    tunnels,
    pauseBeforeConnectingMs: parseGoDuration(config.pause_before_connecting ?? '0') ?? 0,
    clearAuthorizedKeys: config.ssh_clear_authorized_keys === true,
    ...(nonEmpty(config.temporary_key_pair_name) ? { temporaryKeyPairName: config.temporary_key_pair_name } : {}),
  };
}

const withKeyFile = (privateKeyFile: string | undefined) => (privateKeyFile ? { privateKeyFile } : {});
const withCertificateFile = (certificateFile: string | undefined) => (certificateFile ? { certificateFile } : {});
