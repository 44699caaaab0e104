import { describe, expect, it } from 'vitest';
import { isoDuration, resolveWinrmSettings } from './settings.js';
import { validateWinrmConfig } from './validate.js';
import { winrmConfigProperties } from './schema.js';

describe('resolveWinrmSettings (Packer prepareWinRM defaults)', () => {
  it.each([
    [{}, { port: 5985, https: false, timeoutMs: 30 * 60_000, operationTimeout: 'PT30M' }],
    [{ winrm_use_ssl: true }, { port: 5986, https: true }],
    [{ winrm_use_ssl: true, winrm_port: 443 }, { port: 443 }],
    [{ winrm_timeout: '1h30m5s', winrm_use_ntlm: true, winrm_insecure: true, winrm_no_proxy: true }, { operationTimeout: 'PT1H30M5S', ntlm: true, insecure: true, noProxy: true }],
  ])('%j resolves to %j', (config, expected) => {
    expect(resolveWinrmSettings({ winrm_username: 'u', ...config })).toMatchObject(expected);
  });

  it.each([
    [0, 'PT0S'],
    [999, 'PT0S'],
    [45_000, 'PT45S'],
    [3_600_000, 'PT1H'],
  ])('formats %d ms as %s, as Packer formatDuration', (ms, text) => {
    expect(isoDuration(ms)).toBe(text);
  });

  it('rejects a malformed duration with Go\'s words', () => {
    expect(() => resolveWinrmSettings({ winrm_timeout: 'zz' })).toThrow(`error decoding 'winrm_timeout': time: invalid duration "zz"`);
  });
});

describe('validateWinrmConfig', () => {
  it('needs winrm_username with the winrm communicator only (Packer 1.6.6 prepare error)', () => {
    expect(validateWinrmConfig({ communicator: 'winrm' })).toEqual(['winrm_username must be specified.']);
    expect(validateWinrmConfig({ communicator: 'winrm', winrm_username: 'Administrator' })).toEqual([]);
    expect(validateWinrmConfig({ communicator: 'ssh' })).toEqual([]);
  });

  it('describes every winrm_* option of Packer 1.6.6, the password as a secret', () => {
    expect(Object.keys(winrmConfigProperties).sort()).toEqual([
      'winrm_host', 'winrm_insecure', 'winrm_no_proxy', 'winrm_password', 'winrm_port', 'winrm_timeout', 'winrm_use_ntlm', 'winrm_use_ssl', 'winrm_username',
    ]);
    expect(winrmConfigProperties.winrm_password?.['x-kiln-secret']).toBe(true);
    expect(winrmConfigProperties.winrm_timeout?.default).toBe('30m');
  });
});
