import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readVarFile } from './index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-var-file-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function read(content: string): Promise<Record<string, string> | string> {
  await writeFile(join(dir, 'c.json'), content);
  try {
    return await readVarFile('c.json', dir);
  } catch (error) {
    return (error as Error).message;
  }
}

describe('readVarFile', () => {
  // Expected values from Packer 1.6.6: `packer validate -var-file c.json` and `packer console`.
  it.each([
    ['{"a":"x","b":"y"}', { a: 'x', b: 'y' }],
    ['{"a":"x","a":"y"}', { a: 'y' }],
    ['{"a":null}', { a: '' }],
    ['{"a":"é\\u00e9"}', { a: 'éé' }],
    ['{"a":"x"}garbage', { a: 'x' }],
    ['{"a":"x"} {"b":1}', { a: 'x' }],
    ['{"a":"x"}}', { a: 'x' }],
    ['null', {}],
  ])('reads %j', async (content, expected) => {
    expect(await read(content)).toEqual(expected);
  });

  it.each([
    ['{"a":"x" "b":"y"}', `invalid character '"' after object key:value pair`],
    ['{"a":x}', "invalid character 'x' looking for beginning of value"],
    ['{a:1}', "invalid character 'a' looking for beginning of object key string"],
    ['{"a":"x",}', "invalid character '}' looking for beginning of object key string"],
    ['  ', 'EOF'],
    ['', 'EOF'],
    ['"str"', 'json: cannot unmarshal string into Go value of type kvflag.FlagJSON'],
    ['5', 'json: cannot unmarshal number into Go value of type kvflag.FlagJSON'],
    ['true', 'json: cannot unmarshal bool into Go value of type kvflag.FlagJSON'],
    ['[1]', 'json: cannot unmarshal array into Go value of type kvflag.FlagJSON'],
    ['{"a":"x\\q"}', "invalid character 'q' in string escape code"],
    ['{"a":"\\u00zz"}', "invalid character 'z' in \\u hexadecimal character escape"],
    ['{"a":tru}', "invalid character '}' in literal true (expecting 'e')"],
    ['{"a": 1}', 'json: cannot unmarshal number into Go value of type string'],
    ['{"a":1.5e3}', 'json: cannot unmarshal number into Go value of type string'],
    ['{"a":[1]}', 'json: cannot unmarshal array into Go value of type string'],
    ['{"a":{"x":"y"}}', 'json: cannot unmarshal object into Go value of type string'],
    ['{"a":false}', 'json: cannot unmarshal bool into Go value of type string'],
    ['{"a":"x", "b": 2, "c": true}', 'json: cannot unmarshal number into Go value of type string'],
    ['{"a":"x\ty"}', "invalid character '\\t' in string literal"],
    ['{"a":-}', "invalid character '}' in numeric literal"],
    ['{"a":01}', "invalid character '1' after object key:value pair"],
    ['{"a":1.}', "invalid character '}' after decimal point in numeric literal"],
    ['{"a":1e}', "invalid character '}' in exponent of numeric literal"],
    ['{', 'unexpected EOF'],
    ['{"a"', 'unexpected EOF'],
    ['{"a":', 'unexpected EOF'],
    ['{"a":"', 'unexpected EOF'],
    ['{"a":"x"', 'unexpected EOF'],
    ['{"a":"x",', 'unexpected EOF'],
    ['[', 'unexpected EOF'],
  ])('refuses %j', async (content, message) => {
    expect(await read(content)).toBe(`Error reading variables in 'c.json': ${message}`);
  });

  it('names a missing file as Go does', async () => {
    await expect(readVarFile('nonexist.json', dir)).rejects.toMatchObject({
      code: 'IO',
      message: 'open nonexist.json: no such file or directory',
    });
  });

  it('names a directory as Go does', async () => {
    await mkdir(join(dir, 'adir'));
    await expect(readVarFile('adir', dir)).rejects.toMatchObject({
      message: "Error reading variables in 'adir': read adir: is a directory",
    });
  });
});
