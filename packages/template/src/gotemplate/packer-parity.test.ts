import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { packerFunctions } from '../interpolate/funcs.js';
import { GoTemplateError, executeGoTemplate, goFuncNames, parseGoTemplate } from './index.js';

// Expected values come from Packer 1.6.6 itself (see __fixtures__/README.md for how).
interface Fixture {
  readonly data?: unknown;
  readonly cases: readonly [template: string, output: string | null, error: string | null][];
}

function fixture(name: string): Fixture {
  return JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8')) as Fixture;
}

// The functions of `packer console`: no build, no template file, env disabled.
const funcs = packerFunctions({ userVariables: {}, initTime: new Date(0) });

function render(template: string, data?: unknown): { output: string | null; error: string | null } {
  try {
    return { output: executeGoTemplate(parseGoTemplate('root', template, goFuncNames(funcs)), data, funcs), error: null };
  } catch (error) {
    if (!(error instanceof GoTemplateError)) throw error;
    return { output: null, error: error.message };
  }
}

describe.each([
  ['console-cases.json', 'as packer console prints it'],
  ['multiline-cases.json', 'spanning lines, as a user variable renders'],
  ['data-cases.json', 'over data'],
])('%s: a template %s', (file) => {
  const { data, cases } = fixture(file);
  it.each(cases)('%j', (template, output, error) => {
    expect(render(template, data)).toEqual({ output, error });
  });
});
