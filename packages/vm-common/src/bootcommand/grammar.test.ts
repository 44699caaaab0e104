import { describe, expect, it } from 'vitest';
import { parseBootCommand, validateBootCommand } from './grammar.js';
import type { BootExpression } from './grammar.js';

const press = (char: string): BootExpression => ({ kind: 'literal', char, action: 'press' });
const literals = (text: string): BootExpression[] => Array.from(text, press);
const special = (key: string, action = 'press'): BootExpression => ({ kind: 'special', key, action }) as BootExpression;
const wait = (ms: number): BootExpression => ({ kind: 'wait', ms });

describe('parseBootCommand: Packer 1.6.6 grammar', () => {
  const cases: ReadonlyArray<readonly [string, BootExpression[]]> = [
    ['', []],
    ['ab', literals('ab')],
    ['<wait>', [wait(1000)]],
    ['<wait5>', [wait(5000)]],
    ['<wait10>', [wait(10_000)]],
    ['<wait1m20s>', [wait(80_000)]],
    ['<wait300ms>', [wait(300)]],
    ['<wait1.5s>', [wait(1500)]],
    ['<wait2h>', [wait(7_200_000)]],
    ['<wait10us>', [wait(0.01)]],
    ['<wait1µs>', [wait(0.001)]],
    // The "0" branch of Integer has no action in 1.6.6's grammar: it falls back to one second.
    ['<wait0>', [wait(1000)]],
    ['<wait0s>', [wait(0)]],
    ['<wait-1s>', [wait(-1000)]],
    // "wait" is the one case-sensitive keyword.
    ['<WAIT>', literals('<WAIT>')],
    ['<wait00>', literals('<wait00>')],
    ['<wait1.5>', literals('<wait1.5>')],
    ['<wait-1>', literals('<wait-1>')],
    ['<wait 5>', literals('<wait 5>')],
    ['<enter>', [special('enter')]],
    ['<ENTER><Return>', [special('enter'), special('return')]],
    ['<leftAltOn><leftaltOFF>', [special('leftalt', 'on'), special('leftalt', 'off')]],
    ['<leftCtrlOn>c<leftCtrlOff>', [special('leftctrl', 'on'), press('c'), special('leftctrl', 'off')]],
    ['<f1><f10><F12>', [special('f1'), special('f10'), special('f12')]],
    ['<f13>', literals('<f13>')],
    ['<pageUp><pagedown>', [special('pageup'), special('pagedown')]],
    ['<left><right><leftSuper><rightSuperOn>', [special('left'), special('right'), special('leftsuper'), special('rightsuper', 'on')]],
    ['<spacebar><bs><del><esc><tab><insert><home><end><up><down>', ['spacebar', 'bs', 'del', 'esc', 'tab', 'insert', 'home', 'end', 'up', 'down'].map((key) => special(key))],
    // Deliberate difference: 1.6.6 types "<menu>" as six characters; Kiln presses the Menu key.
    ['<menu><menuOn>', [special('menu'), special('menu', 'on')]],
    ['<aOn>', [{ kind: 'literal', char: 'a', action: 'on' }]],
    ['<AOFF>', [{ kind: 'literal', char: 'A', action: 'off' }]],
    ['<<on>', [{ kind: 'literal', char: '<', action: 'on' }]],
    ['<éon>', [{ kind: 'literal', char: 'é', action: 'on' }]],
    ['<ab>', literals('<ab>')],
    ['<', literals('<')],
    ['<enter', literals('<enter')],
    ['<<enter>>', [press('<'), special('enter'), press('>')]],
    ['http://{{ .HTTPIP }}:{{ .HTTPPort }}/', literals('http://{{ .HTTPIP }}:{{ .HTTPPort }}/')],
    ['a😀b', literals('a😀b')],
  ];

  it.each(cases)('%j', (command, expected) => {
    expect(parseBootCommand(command)).toEqual(expected);
  });

  it("reports a duration Go cannot parse with pigeon's position and rule", () => {
    expect(() => parseBootCommand('<wait1s-1s>')).toThrow('1:6 (5): rule Duration: time: unknown unit "s-" in duration "1s-1s"');
    expect(() => parseBootCommand('x\n<wait99999999999999999999>')).toThrow(
      '2:6 (7): rule Integer: strconv.ParseInt: parsing "99999999999999999999": value out of range',
    );
  });
});

describe('validateBootCommand: Packer prepare errors', () => {
  const cases: ReadonlyArray<readonly [string, string[]]> = [
    ['<esc><wait>text<enter>', []],
    ['<wait0>', []],
    ['<wait0s>', ['Expecting a positive wait value. Got 0s']],
    ['<wait0.0s>', ['Expecting a positive wait value. Got 0s']],
    ['<wait0><wait-1s><wait-1m30s>', ['Expecting a positive wait value. Got -1s', 'Expecting a positive wait value. Got -1m30s']],
    ['<wait1s-1s>', ['1:6 (5): rule Duration: time: unknown unit "s-" in duration "1s-1s"']],
  ];
  it.each(cases)('%j', (command, expected) => {
    expect(validateBootCommand(command)).toEqual(expected);
  });
});
