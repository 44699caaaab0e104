import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { characterScancodes, chunkScancodes } from './pcxt-driver.js';
import { typeBootCommandAsScancodes } from './type-boot-command.js';

const fixtures = new URL('../../test/fixtures/', import.meta.url);

function readJsonLines(path: string | URL): unknown[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as unknown);
}

async function typeAndRecord(command: string): Promise<{ chunks: string[][]; sayings: string[] }> {
  const chunks: string[][] = [];
  const sayings: string[] = [];
  await typeBootCommandAsScancodes({
    command,
    send: (codes) => {
      chunks.push([...codes]);
      return Promise.resolve();
    },
    // The waits of the command are real; keep the group interval short.
    groupIntervalMs: 1,
    ui: { say: (text) => sayings.push(text), message: () => undefined, error: () => undefined, ask: () => Promise.reject(new Error('no')) },
  });
  return { chunks, sayings };
}

describe('PC-XT scancodes against what Packer 1.6.6 sent VirtualBox', () => {
  it('reproduces the contract transcript byte for byte (shared/contracts virtualbox-iso, copied into test/fixtures)', async () => {
    const template = JSON.parse(readFileSync(new URL('contract-virtualbox-iso.template.json', fixtures), 'utf8')) as {
      builders: [{ boot_command: string[] }];
    };
    const transcript = readJsonLines(new URL('contract-virtualbox-iso.scancodes.jsonl', fixtures)) as string[][];
    const sent = transcript.filter((argv) => argv[2] === 'keyboardputscancode').map((argv) => argv.slice(3));
    // The run's HTTP port is in the typed text: read it back from the transcript's digits.
    const port = portTyped(sent.flat());
    const command = template.builders[0].boot_command
      .join('')
      .replace(/\{\{ \.HTTPIP \}\}/g, '10.0.2.2')
      .replace(/\{\{ \.HTTPPort \}\}/g, String(port));
    const { chunks, sayings } = await typeAndRecord(command);
    expect(chunks).toEqual(sent);
    expect(sayings).toEqual(['Typing the boot command...']);
  });

  it('reproduces every chunk of a boot command using the whole grammar', async () => {
    const { cmd } = JSON.parse(readFileSync(new URL('packer166-boot-command.json', fixtures), 'utf8')) as { cmd: string };
    const expected = readJsonLines(new URL('packer166-virtualbox-scancodes.jsonl', fixtures)) as string[][];
    // 1.6.6 types <menu> as the characters "<menu>"; Kiln presses the Menu key (e0 5d / e0 dd).
    const menuAsText = ['2a', '33', 'aa', 'b3', '32', 'b2', '12', '92', '31', 'b1', '16', '96', '2a', '34', 'aa', 'b4'];
    const flatExpected = expected.flat().join(' ');
    expect(flatExpected).toContain(menuAsText.join(' '));
    const { chunks } = await typeAndRecord(cmd);
    expect(chunks.flat().join(' ')).toBe(flatExpected.replace(menuAsText.join(' '), 'e0 5d e0 dd'));
    // Chunk boundaries (at most 25 codes, a key never split, a flush at each wait) as in Packer,
    // up to the chunk holding the Menu key.
    const firstDifferent = expected.findIndex((chunk) => chunk.join(' ').includes('2a 33 aa b3 32 b2'));
    expect(chunks.slice(0, firstDifferent)).toEqual(expected.slice(0, firstDifferent));
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(25);
  }, 15_000);
});

describe('chunkScancodes', () => {
  it('starts a new chunk rather than splitting one key', () => {
    expect(chunkScancodes([['1e', '9e'], ['2a', '27', 'aa', 'a7'], ['1c', '9c']], 5)).toEqual([
      ['1e', '9e'],
      ['2a', '27', 'aa', 'a7'],
      ['1c', '9c'],
    ]);
    expect(chunkScancodes([['01'], ['02'], ['03']], 0)).toEqual([['01', '02', '03']]);
  });
});

/** The HTTP port Packer typed: the one whose `:PORT/` scancodes occur in the transcript. */
function portTyped(codes: readonly string[]): number {
  const flat = codes.join(' ');
  for (let port = 8000; port <= 9000; port += 1) {
    const typed = Array.from(`:${port}/`).flatMap((char) => characterScancodes(char, 'press'));
    if (flat.includes(typed.join(' '))) return port;
  }
  throw new Error('no HTTP port found in the transcript');
}
