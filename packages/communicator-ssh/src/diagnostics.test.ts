import { describe, expect, it } from 'vitest';
import { ConnectDiagnostics } from './diagnostics.js';

const target = {
  host: '10.0.0.5',
  port: 2222,
  username: 'ubuntu',
  route: 'via bastion ops@jump:22',
  methods: ['publickey /keys/id (ED25519 SHA256:abc)', 'password'],
};

describe('ConnectDiagnostics', () => {
  it('says where, as whom, how often, the last error, and that no handshake completed', () => {
    let now = 0;
    const diagnostics = new ConnectDiagnostics(() => now);
    for (let i = 0; i < 3; i++) diagnostics.attempt(target);
    diagnostics.failed('dial tcp 10.0.0.5:2222: i/o timeout after 10000 ms');
    now = 61_000;
    expect(diagnostics.timeoutMessage()).toBe(
      [
        'Timeout waiting for SSH.',
        '  address: 10.0.0.5:2222 (via bastion ops@jump:22)',
        '  user: ubuntu',
        '  attempts: 3 in 1m1s; last error: dial tcp 10.0.0.5:2222: i/o timeout after 10000 ms',
        '  authentication:',
        '    publickey /keys/id (ED25519 SHA256:abc): never reached (no SSH handshake completed)',
        '    password: never reached (no SSH handshake completed)',
      ].join('\n'),
    );
  });

  it('keeps the outcome of the last attempt that reached authentication', () => {
    const diagnostics = new ConnectDiagnostics(() => 0);
    diagnostics.attempt(target);
    diagnostics.failed('ssh: unable to authenticate', [
      { method: target.methods[0]!, result: 'rejected by the server' },
      { method: 'password', result: 'not accepted by the server (it accepts: publickey)' },
    ]);
    diagnostics.attempt(target);
    diagnostics.failed('dial tcp 10.0.0.5:2222: connection refused', [
      { method: target.methods[0]!, result: 'not tried' },
      { method: 'password', result: 'not tried' },
    ]);
    const message = diagnostics.timeoutMessage();
    expect(message).toContain('last error: dial tcp 10.0.0.5:2222: connection refused');
    expect(message).toContain('    publickey /keys/id (ED25519 SHA256:abc): rejected by the server');
    expect(message).toContain('    password: not accepted by the server (it accepts: publickey)');
  });

  it('says when no authentication method was configured', () => {
    const diagnostics = new ConnectDiagnostics(() => 0);
    diagnostics.attempt({ ...target, methods: [] });
    expect(diagnostics.timeoutMessage()).toContain('authentication: no method configured (set ssh_password, ssh_private_key_file or ssh_agent_auth)');
  });
});
