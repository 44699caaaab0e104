import type { Ui } from '@kiln/sdk';
import { describe, expect, it } from 'vitest';
import { waitForBoot } from './boot-wait.js';
import { typeBootCommandAsScancodes, typeBootCommandOverVnc } from './type-boot-command.js';

function sayings(): { lines: string[]; ui: Ui } {
  const lines: string[] = [];
  return { lines, ui: { say: (text) => lines.push(text), message: () => undefined, error: () => undefined, ask: () => Promise.reject(new Error('no')) } };
}

describe('waitForBoot', () => {
  it("says Packer's line and waits; a negative boot_wait skips both", async () => {
    const { lines, ui } = sayings();
    const started = Date.now();
    await waitForBoot({ bootWaitMs: 30, ui });
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    await waitForBoot({ bootWaitMs: -1000, ui });
    expect(lines).toEqual(['Waiting 30ms for boot...']);
  });

  it('is cancellable', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 10);
    await expect(waitForBoot({ bootWaitMs: 60_000, signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});

describe('typing errors', () => {
  it("wraps a transport failure as Packer's `Error running boot command`", async () => {
    const broken = { keyEvent: () => Promise.reject(new Error('connection closed by the VNC server')) };
    await expect(typeBootCommandOverVnc({ command: 'a', vnc: broken, keyIntervalMs: 1 })).rejects.toThrow(
      'Error running boot command: connection closed by the VNC server',
    );
    const failingSend = () => Promise.reject(new Error('VBoxManage error: VM not running'));
    await expect(typeBootCommandAsScancodes({ command: 'a<wait>', send: failingSend, groupIntervalMs: 1 })).rejects.toThrow(
      'Error running boot command: VBoxManage error: VM not running',
    );
  });

  it("reports a command the grammar rejects as `Error generating boot command`", async () => {
    await expect(typeBootCommandAsScancodes({ command: '<wait1s-1s>', send: () => Promise.resolve() })).rejects.toThrow(
      'Error generating boot command: 1:6 (5): rule Duration: time: unknown unit "s-" in duration "1s-1s"',
    );
  });

  it('renders through the callback, wrapping its failure as Packer does', async () => {
    const sent: string[] = [];
    await typeBootCommandAsScancodes({
      command: '{{ .Name }}',
      render: (text) => text.replace('{{ .Name }}', 'vm'),
      send: (codes) => Promise.resolve(void sent.push(codes.join(' '))),
      groupIntervalMs: 1,
    });
    expect(sent).toEqual(['2f af 32 b2']);
    const render = (): string => {
      throw new Error('template: root:1: function "nope" not defined');
    };
    await expect(typeBootCommandAsScancodes({ command: '{{ nope }}', render, send: () => Promise.resolve() })).rejects.toThrow(
      'Error preparing boot command: template: root:1: function "nope" not defined',
    );
  });

  it('flushes scancodes before each wait and at the end', async () => {
    const sent: string[] = [];
    await typeBootCommandAsScancodes({
      command: 'a<wait10ms>b<leftCtrlOn>c<leftCtrlOff>',
      send: (codes) => Promise.resolve(void sent.push(codes.join(' '))),
      groupIntervalMs: 1,
    });
    expect(sent).toEqual(['1e 9e', '30 b0 1d 2e ae 9d']);
  });
});
