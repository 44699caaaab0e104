import { describe, expect, it } from 'vitest';
import { sshConfigProperties } from './schema.js';

describe('sshConfigProperties', () => {
  it('marks durations and secrets for the template layer', () => {
    const flagged = (flag: 'x-kiln-duration' | 'x-kiln-secret') =>
      Object.entries(sshConfigProperties)
        .filter(([, schema]) => schema[flag])
        .map(([key]) => key)
        .sort();
    expect(flagged('x-kiln-duration')).toEqual([
      'pause_before_connecting',
      'ssh_keep_alive_interval',
      'ssh_read_write_timeout',
      'ssh_timeout',
      'ssh_wait_timeout',
    ]);
    expect(flagged('x-kiln-secret')).toEqual(['ssh_bastion_password', 'ssh_password', 'ssh_proxy_password']);
  });

  it('describes every option', () => {
    for (const [key, schema] of Object.entries(sshConfigProperties)) expect(schema.description, key).toMatch(/\S/);
  });
});
