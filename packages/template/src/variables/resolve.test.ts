import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KilnErrors } from '@kiln/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretMasker, parseVarArg, resolveVariables } from './index.js';
import type { Template } from '../model.js';

/** A template with just variables, as the reader would produce it, for tests. */
function templateWithVariables(
  variables: Readonly<Record<string, string | null>>,
  options: { path?: string; sensitive?: readonly string[] } = {},
): Template {
  const path = options.path ?? '/templates/t.json';
  return {
    path,
    variables: Object.entries(variables).map(([name, value], index) => ({
      name,
      default: value,
      sensitive: options.sensitive?.includes(name) ?? false,
      position: { file: path, line: index + 3, column: 5 },
    })),
    sensitiveVariables: options.sensitive ?? [],
    builders: [],
    provisioners: [],
    postProcessors: [],
    root: { kind: 'object', entries: [], start: { offset: 0, line: 1, column: 1 }, end: { offset: 2, line: 1, column: 3 } },
  };
}

interface Scenario {
  readonly name: string;
  readonly variables: Record<string, string | null>;
  readonly files?: string[];
  readonly vars?: string[];
  readonly env?: Record<string, string>;
  readonly values?: Record<string, string>;
  readonly errors?: string[];
}

const { scenarios } = JSON.parse(
  readFileSync(new URL('./__fixtures__/packer-scenarios.json', import.meta.url), 'utf8'),
) as { scenarios: Scenario[] };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-variables-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const initTime = new Date(Date.UTC(2021, 0, 5, 3, 4, 5));

async function resolve(scenario: Scenario) {
  const varFiles: string[] = [];
  for (const [index, content] of (scenario.files ?? []).entries()) {
    await writeFile(join(dir, `${scenario.name}-${index}.json`), content);
    varFiles.push(`${scenario.name}-${index}.json`);
  }
  const template = templateWithVariables(scenario.variables, { path: join(dir, 't.json') });
  return resolveVariables(template, {
    vars: Object.fromEntries((scenario.vars ?? []).map(parseVarArg)),
    varFiles,
    env: scenario.env ?? {},
    cwd: dir,
    initTime,
  });
}

async function errorsOf(promise: Promise<unknown>): Promise<KilnErrors> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof KilnErrors) return error;
    throw error;
  }
  throw new Error('did not fail');
}

describe('as Packer 1.6.6 resolves them', () => {
  // The template-dir scenario ran from the template's directory; here that is the temp dir.
  const adapt = (values: Record<string, string>) =>
    Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v === '/tmp/h2/vars' ? dir : v]));

  it.each(scenarios.filter((s) => s.values).map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    expect((await resolve(scenario)).values).toEqual(adapt(scenario.values!));
  });

  it.each(scenarios.filter((s) => s.errors).map((s) => [s.name, s] as const))('%s fails', async (_name, scenario) => {
    const { errors } = await errorsOf(resolve(scenario));
    expect(errors.map((e) => e.message)).toEqual(expect.arrayContaining(scenario.errors!));
  });
});

describe('errors', () => {
  it('reports every required variable, at its place in the template', async () => {
    const template = templateWithVariables({ ok: 'x', r: null, s: null });
    const error = await errorsOf(resolveVariables(template, { initTime }));
    expect(error.message).toBe('2 errors occurred:\n\t* required variable not set: r\n\t* required variable not set: s');
    expect(error.errors).toEqual([
      expect.objectContaining({ code: 'VARIABLE_REQUIRED', position: template.variables[1]!.position }),
      expect.objectContaining({ code: 'VARIABLE_REQUIRED', position: template.variables[2]!.position }),
    ]);
  });

  it('reports every value that fails, where Packer stops at the first', async () => {
    const template = templateWithVariables({ x: '{{ bad }}', y: '{{ split `a` `-` 3 }}', z: '{{user `nope`}}' });
    const { errors } = await errorsOf(resolveVariables(template, { initTime }));
    expect(errors.map((e) => [e.code, e.position?.line])).toEqual([
      ['TEMPLATE_INTERPOLATION', 3],
      ['TEMPLATE_INTERPOLATION', 4],
      ['VARIABLE_INVALID', 5],
    ]);
  });

  it('reports every unreadable var-file', async () => {
    const { errors } = await errorsOf(
      resolveVariables(templateWithVariables({}), { varFiles: ['none-1.json', 'none-2.json'], cwd: dir, initTime }),
    );
    expect(errors.map((e) => e.message)).toEqual([
      'open none-1.json: no such file or directory',
      'open none-2.json: no such file or directory',
    ]);
  });

  it('says when a function of the variables section is not implemented yet', async () => {
    const { errors } = await errorsOf(resolveVariables(templateWithVariables({ v: '{{vault `p` `k`}}' }), { initTime }));
    expect(errors[0]).toMatchObject({
      code: 'TEMPLATE_INTERPOLATION',
      message: 'the vault template function is not implemented in Kiln yet',
      position: { line: 3 },
    });
  });
});

describe('values', () => {
  it('may use every function of a core context: timestamp, isotime, uuid', async () => {
    const template = templateWithVariables({ t: '{{timestamp}}', i: '{{isotime "2006"}}', u: '{{uuid}}' });
    const { values } = await resolveVariables(template, { initTime });
    expect(values).toMatchObject({ t: '1609815845', i: '2021' });
    expect(values['u']).toMatch(/^[0-9a-f]{8}-/);
  });

  it('lists the sensitive values, rendered, without empty ones', async () => {
    const template = templateWithVariables(
      { password: 'p-{{user `suffix`}}', suffix: 's3cret', token: '', plain: 'x' },
      { sensitive: ['password', 'suffix', 'token'] },
    );
    const { sensitiveValues } = await resolveVariables(template, { initTime });
    expect(sensitiveValues).toEqual(['p-s3cret', 's3cret']);
  });
});

describe('createSecretMasker', () => {
  it('replaces every occurrence of every secret, the longer ones first', () => {
    const mask = createSecretMasker(['s3cret', 'p-s3cret', '']);
    expect(mask('login p-s3cret then s3cret, s3cret')).toBe('login <sensitive> then <sensitive>, <sensitive>');
  });

  it('leaves text alone without secrets', () => {
    expect(createSecretMasker([''])('nothing to hide')).toBe('nothing to hide');
  });
});
