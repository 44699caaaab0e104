import { describe, expect, it } from 'vitest';
import type { CliIO } from '../src/io.js';
import { formatDiagnostics } from '../src/output/diagnostics.js';
import { colorize, useColor } from '../src/output/color.js';
import { createCliLogger } from '../src/output/log.js';
import { createCliUi } from '../src/output/ui.js';
import { wrapText } from '../src/output/wrap.js';

function captureIO(env: Record<string, string> = {}): { io: CliIO; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const io: CliIO = {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    stdin: process.stdin,
    env,
    cwd: '/',
    now: () => new Date(2020, 11, 16, 10, 0, 0),
  };
  return { io, out: () => out, err: () => err };
}

describe('wrapText (Packer diagnostics, 80 columns)', () => {
  // Expected lines as Packer 1.6.6 printed these details in the corpus and at the console.
  it.each([
    [
      "1 error occurred:\n\t* Deprecated configuration key: 'iso_checksum_type'. Please call `packer fix` against your template to update your template to be compatible with the current version of Packer. Visit https://www.packer.io/docs/commands/fix/ for more detail.\n\n",
      "1 error occurred:\n\t* Deprecated configuration key: 'iso_checksum_type'. Please call `packer fix`\nagainst your template to update your template to be compatible with the current\nversion of Packer. Visit https://www.packer.io/docs/commands/fix/ for more\ndetail.\n\n",
    ],
    [
      '1 error(s) occurred:\n\n* Error running "ansible-playbook --version": exec: "ansible-playbook": executable file not found in $PATH',
      '1 error(s) occurred:\n\n* Error running "ansible-playbook --version": exec: "ansible-playbook":\nexecutable file not found in $PATH',
    ],
    [
      'template: root:1:2: executing "root" at <env `HOME`>: error calling env: env vars are not allowed here',
      'template: root:1:2: executing "root" at <env `HOME`>: error calling env: env\nvars are not allowed here',
    ],
  ])('wraps %j', (text, wrapped) => {
    expect(wrapText(text)).toBe(wrapped);
  });

  it('counts characters, not bytes, and lets a long word overflow', () => {
    const name = 'é'.repeat(30);
    expect(wrapText(`\t* required variable not set: ${name}`)).toBe(`\t* required variable not set: ${name}`);
    expect(wrapText(`a ${'x'.repeat(90)} b`)).toBe(`a\n${'x'.repeat(90)}\nb`);
  });
});

describe('formatDiagnostics', () => {
  it('writes Packer blocks: severity, summary, blank line, wrapped detail, blank line', () => {
    expect(
      formatDiagnostics([
        { severity: 'error', summary: 'Failed to prepare build: "null"', detail: '1 error occurred:\n\t* boom\n\n' },
        { severity: 'warning', summary: 'Warning when preparing build: "x"', detail: 'careful' },
        { severity: 'error', summary: '' },
      ]),
    ).toBe(
      'Error: Failed to prepare build: "null"\n\n1 error occurred:\n\t* boom\n\n\n\n' +
        'Warning: Warning when preparing build: "x"\n\ncareful\n\n' +
        'Error: \n\n',
    );
  });
});

describe('createCliUi', () => {
  it('masks secrets in plain lines and in machine-readable rows (Packer leaks the latter)', () => {
    const human = captureIO();
    const ui = createCliUi({ io: human.io, machineReadable: false });
    ui.addSecrets(['hunter2']);
    ui.say('password is hunter2');
    ui.error('still hunter2');
    expect(human.out()).toBe('password is <sensitive>\nstill <sensitive>\n');

    const machine = captureIO();
    const mr = createCliUi({ io: machine.io, machineReadable: true });
    mr.addSecrets(['hunter2']);
    mr.message('a,hunter2\nb');
    mr.machine('artifact', ['0', 'id', 'hunter2'], 'null');
    const ts = Math.floor(new Date(2020, 11, 16, 10, 0, 0).getTime() / 1000);
    expect(machine.out()).toBe(
      `${ts},,ui,message,a%!(PACKER_COMMA)<sensitive>\\nb\n${ts},null,artifact,0,id,<sensitive>\n`,
    );
  });

  it('refuses to ask in machine-readable mode', async () => {
    await expect(createCliUi({ io: captureIO().io, machineReadable: true }).ask('continue?')).rejects.toThrow();
  });
});

describe('colors', () => {
  it('uses Packer escapes and turns off as Packer does (flag, PACKER_NO_COLOR, machine-readable)', () => {
    expect(colorize('hi', 'green', true)).toBe('\u001b[1;32mhi\u001b[0m');
    expect(colorize('hi', 'cyan', false)).toBe('\u001b[0;36mhi\u001b[0m');
    expect(useColor({ colorFlag: true, machineReadable: false, env: {} })).toBe(true);
    expect(useColor({ colorFlag: false, machineReadable: false, env: {} })).toBe(false);
    expect(useColor({ colorFlag: true, machineReadable: true, env: {} })).toBe(false);
    expect(useColor({ colorFlag: true, machineReadable: false, env: { PACKER_NO_COLOR: '1' } })).toBe(false);
    expect(useColor({ colorFlag: true, machineReadable: false, env: { NO_COLOR: '1' } })).toBe(false);
  });
});

describe('createCliLogger', () => {
  it('writes masked, timestamped lines to stderr only when KILN_LOG or PACKER_LOG is set', () => {
    const off = captureIO();
    createCliLogger(off.io).log('INFO', 'hidden');
    expect(off.err()).toBe('');

    const on = captureIO({ PACKER_LOG: '1' });
    createCliLogger(on.io, (text) => text.replace('s3cret', '<sensitive>')).log('INFO', 'key s3cret');
    expect(on.err()).toBe('2020/12/16 10:00:00 [INFO] key <sensitive>\n');
    expect(on.out()).toBe('');
  });
});
