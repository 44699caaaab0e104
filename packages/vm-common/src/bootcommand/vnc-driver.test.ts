import { readFileSync } from 'node:fs';
import { formatGoDuration } from '@kiln/sdk';
import { describe, expect, it } from 'vitest';
import { parseBootCommand } from './grammar.js';
import { resolveKeyInterval } from './key-interval.js';
import { needsShift } from './keys.js';
import { runBootCommand } from './run.js';
import { createVncBootDriver, keysymOf, SPECIAL_KEYSYMS } from './vnc-driver.js';

const fixtures = new URL('../../test/fixtures/', import.meta.url);

describe('VNC keysyms against what Packer 1.6.6 logged while typing over VNC', () => {
  it('sends the same keysym, shift and waits for every expression', () => {
    const { cmd } = JSON.parse(readFileSync(new URL('packer166-boot-command.json', fixtures), 'utf8')) as { cmd: string };
    const packerLog = readFileSync(new URL('packer166-qemu-vnc-driver-log.txt', fixtures), 'utf8').trimEnd().split('\n');
    const ours = parseBootCommand(cmd).map((expression) => {
      switch (expression.kind) {
        case 'wait':
          return `[INFO] Waiting ${formatGoDuration(expression.ms)}`;
        case 'special':
          return `Special code '<${expression.key}>' found, replacing with: 0x${SPECIAL_KEYSYMS[expression.key].toString(16).toUpperCase()}`;
        case 'literal':
          return `Sending char '${expression.char}', code 0x${keysymOf(expression.char).toString(16).toUpperCase()}, shift ${needsShift(expression.char)}`;
      }
    });
    // 1.6.6 typed "<menu>" as six characters; Kiln presses the Menu key.
    const menuAsText = Array.from('<menu>', (char) => packerLog.find((line) => line.startsWith(`Sending char '${char}'`))!);
    const start = packerLog.findIndex((line, index) => menuAsText.every((text, offset) => packerLog[index + offset] === text));
    expect(start).toBeGreaterThan(0);
    const expected = [...packerLog.slice(0, start), "Special code '<menu>' found, replacing with: 0xFF67", ...packerLog.slice(start + 6)];
    expect(ours).toEqual(expected);
  });

  it('orders events as Packer: shift down, key down, key up, shift up; holds without release', async () => {
    const events: string[] = [];
    const driver = createVncBootDriver(
      { keyEvent: (keysym, down) => Promise.resolve(void events.push(`${keysym.toString(16)}${down ? '+' : '-'}`)) },
      { intervalMs: 0 },
    );
    await runBootCommand(parseBootCommand('a:<leftCtrlOn>c<leftCtrlOff><AOn><AOff>'), driver);
    expect(events).toEqual([
      '61+', '61-',
      'ffe1+', '3a+', '3a-', 'ffe1-',
      'ffe3+', '63+', '63-', 'ffe3-',
      'ffe1+', '41+', 'ffe1-', '41-',
    ]);
  });

  it('uses X11 Unicode keysyms beyond Latin-1', () => {
    expect(keysymOf('é')).toBe(0xe9);
    expect(keysymOf('€')).toBe(0x010020ac);
  });
});

describe('resolveKeyInterval', () => {
  it.each([
    [undefined, {}, 100],
    [undefined, { PACKER_KEY_INTERVAL: '10ms' }, 10],
    [undefined, { PACKER_KEY_INTERVAL: '0' }, 0],
    [undefined, { PACKER_KEY_INTERVAL: 'fast' }, 100],
    [250, { PACKER_KEY_INTERVAL: '10ms' }, 250],
    [0, { PACKER_KEY_INTERVAL: '10ms' }, 10],
  ] as const)('configured %s with env %j -> %i ms', (configured, env, expected) => {
    expect(resolveKeyInterval(configured, env)).toBe(expected);
  });
});
