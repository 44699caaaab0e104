import { describe, expect, it } from 'vitest';
import { resolveSshSettings } from './settings.js';

describe('resolveSshSettings', () => {
  it("applies Packer's defaults", () => {
    expect(resolveSshSettings({ ssh_username: 'u' })).toEqual({
      username: 'u',
      agentAuth: false,
      disableAgentForwarding: false,
      pty: false,
      timeoutMs: 5 * 60_000,
      handshakeAttempts: 10,
      keepAliveIntervalMs: 5_000,
      readWriteTimeoutMs: 0,
      fileTransferMethod: 'scp',
      tunnels: [],
      pauseBeforeConnectingMs: 0,
      clearAuthorizedKeys: false,
    });
  });

  it('treats zero as unset, keeps a negative keep-alive (disabled), and lets ssh_wait_timeout win', () => {
    const settings = resolveSshSettings({ ssh_timeout: '0s', ssh_keep_alive_interval: '-1s', ssh_handshake_attempts: 0 });
    expect(settings.timeoutMs).toBe(300_000);
    expect(settings.keepAliveIntervalMs).toBe(-1_000);
    expect(settings.handshakeAttempts).toBe(10);
    expect(resolveSshSettings({ ssh_timeout: '1m', ssh_wait_timeout: '20s' }).timeoutMs).toBe(20_000);
  });

  it('defaults the bastion port, key and certificate, and the proxy port', () => {
    const settings = resolveSshSettings({
      ssh_private_key_file: 'k',
      ssh_certificate_file: 'c',
      ssh_bastion_host: 'b',
      ssh_bastion_username: 'bu',
    });
    expect(settings.bastion).toEqual({ host: 'b', port: 22, username: 'bu', privateKeyFile: 'k', certificateFile: 'c', agentAuth: false, interactive: false });
    expect(resolveSshSettings({ ssh_proxy_host: 'p', ssh_proxy_username: 'pu' }).proxy).toEqual({ host: 'p', port: 1080, username: 'pu', password: '' });
  });

  it('parses tunnels into specs that listen on localhost', () => {
    expect(resolveSshSettings({ ssh_local_tunnels: ['8080:db:5432'], ssh_remote_tunnels: ['9000:[::1]:80'] }).tunnels).toEqual([
      { direction: 'local', listenHost: 'localhost', listenPort: 8080, forwardHost: 'db', forwardPort: 5432 },
      { direction: 'remote', listenHost: 'localhost', listenPort: 9000, forwardHost: '::1', forwardPort: 80 },
    ]);
  });
});
