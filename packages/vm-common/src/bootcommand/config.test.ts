import { describe, expect, it } from 'vitest';
import { prepareBootConfig, prepareVncBootConfig } from './config.js';

describe('prepareBootConfig / prepareVncBootConfig', () => {
  it('joins the command, defaults boot_wait to 10s and keeps a negative one', () => {
    expect(prepareBootConfig({ boot_command: ['<esc><wait>', 'linux ks=x<enter>'] })).toEqual({
      bootCommand: '<esc><wait>linux ks=x<enter>',
      hasBootCommand: true,
      bootWaitMs: 10_000,
      groupIntervalMs: undefined,
      errors: [],
    });
    expect(prepareBootConfig({ boot_wait: '-1s', boot_keygroup_interval: '50ms' })).toMatchObject({ bootWaitMs: -1000, groupIntervalMs: 50, hasBootCommand: false });
    expect(prepareBootConfig({ boot_wait: '0s' }).bootWaitMs).toBe(10_000);
  });

  it("reports Packer's prepare errors", () => {
    expect(prepareVncBootConfig({ boot_command: ['<wait0><wait-1s>'], disable_vnc: true }).errors).toEqual([
      'A boot command cannot be used when vnc is disabled.',
      'Expecting a positive wait value. Got -1s',
    ]);
    expect(prepareVncBootConfig({ boot_key_interval: '10ms' })).toMatchObject({ keyIntervalMs: 10, disableVnc: false, errors: [] });
  });
});
