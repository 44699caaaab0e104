import { KilnError, parseGoDurationStrict } from '@kiln/sdk';
import { WINRM_DEFAULTS, type WinrmConfig } from './config.js';

/** The WinRM options resolved to what a connection needs, defaults applied (Packer's prepareWinRM). */
export interface WinrmSettings {
  readonly username: string;
  readonly password: string;
  readonly port: number;
  readonly https: boolean;
  readonly insecure: boolean;
  readonly ntlm: boolean;
  readonly noProxy: boolean;
  readonly timeoutMs: number;
  /** WS-Management OperationTimeout: Packer sends winrm_timeout there too (`PT30M`). */
  readonly operationTimeout: string;
  readonly pauseBeforeConnectingMs: number;
}

export function resolveWinrmSettings(config: WinrmConfig): WinrmSettings {
  const https = config.winrm_use_ssl === true;
  const timeoutMs = duration('winrm_timeout', config.winrm_timeout || WINRM_DEFAULTS.timeout);
  return {
    username: config.winrm_username ?? '',
    password: config.winrm_password ?? '',
    port: config.winrm_port || (https ? WINRM_DEFAULTS.sslPort : WINRM_DEFAULTS.port),
    https,
    insecure: config.winrm_insecure === true,
    ntlm: config.winrm_use_ntlm === true,
    noProxy: config.winrm_no_proxy === true,
    timeoutMs,
    operationTimeout: isoDuration(timeoutMs),
    pauseBeforeConnectingMs: config.pause_before_connecting ? duration('pause_before_connecting', config.pause_before_connecting) : 0,
  };
}

function duration(key: string, text: string): number {
  const parsed = parseGoDurationStrict(text);
  if ('error' in parsed) throw new KilnError('CONFIG_INVALID', `error decoding '${key}': ${parsed.error}`);
  return Number(parsed.nanoseconds) / 1e6;
}

/**
 * An xs:duration as Packer's formatDuration writes it: whole hours, minutes and seconds
 * (`PT1H30M`, `PT45S`), `PT0S` for nothing; fractions of a second are dropped.
 */
export function isoDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds <= 0) return 'PT0S';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `PT${h ? `${h}H` : ''}${m ? `${m}M` : ''}${s ? `${s}S` : ''}`;
}
