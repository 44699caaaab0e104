/**
 * The WinRM part of a builder's communicator options, as a template writes them (Packer's
 * communicator.Config with its WinRM fields): builders merge `winrmConfigProperties` into their
 * schema and `validateWinrmConfig` into their checks.
 */
export interface WinrmConfig {
  readonly communicator?: string;
  readonly pause_before_connecting?: string;
  readonly winrm_username?: string;
  readonly winrm_password?: string;
  readonly winrm_host?: string;
  readonly winrm_port?: number;
  readonly winrm_timeout?: string;
  readonly winrm_use_ssl?: boolean;
  readonly winrm_insecure?: boolean;
  readonly winrm_use_ntlm?: boolean;
  readonly winrm_no_proxy?: boolean;
}

/** Packer's defaults for the options that have one. */
export const WINRM_DEFAULTS = {
  port: 5985,
  sslPort: 5986,
  timeout: '30m',
} as const;
