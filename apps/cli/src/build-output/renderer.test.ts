import { Readable } from 'node:stream';
import type { BuildEvent, BuildResult } from '@kiln/core';
import { KilnError, type Artifact } from '@kiln/sdk';
import { describe, expect, it } from 'vitest';
import type { CliIO } from '../io.js';
import { kilnErrorFormatter } from '../output/errors.js';
import { createCliUi } from '../output/ui.js';
import { BuildRenderer } from './renderer.js';
import { printSummary } from './summary.js';

const ESC = '\u001b';
const NOW = new Date('2026-11-27T18:38:19Z');

function harness(options: { color?: boolean; timestamps?: boolean; machineReadable?: boolean } = {}) {
  let out = '';
  const io: CliIO = {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: () => undefined },
    stdin: Readable.from([]),
    env: {},
    cwd: '/tmp',
    now: () => NOW,
  };
  const ui = createCliUi({ io, machineReadable: options.machineReadable ?? false });
  const renderer = new BuildRenderer({
    ui,
    color: options.color ?? false,
    timestamps: options.timestamps ?? false,
    now: () => NOW,
    formatError: kilnErrorFormatter('/tmp'),
  });
  return { ui, renderer, output: () => out };
}

const say = (build: string, text: string, level: 'say' | 'message' | 'error' = 'say', target = build): BuildEvent => ({
  type: 'ui',
  build,
  target,
  level,
  text,
});

function artifact(builderId: string, id: string, description: string, files: string[] = []): Artifact {
  return { builderId, id, files, describe: () => description, state: () => undefined, destroy: async () => undefined };
}

function result(overrides: Partial<BuildResult>): BuildResult {
  return {
    runUuid: 'u',
    builds: [],
    failures: [],
    warnings: [],
    artifacts: [],
    cancelled: false,
    ok: true,
    durationMs: 27.439,
    mask: (text) => text,
    ...overrides,
  };
}

describe('build output', () => {
  // Expected bytes: Packer 1.6.6, `packer build t1.json` (null build a, file build b, shell-local).
  it('prints the color legend, then each build in its color: say bold, message plain, errors bold red', () => {
    const { renderer, output } = harness({ color: true });
    for (const event of [
      { type: 'run-started', builds: ['a', 'b'], runUuid: 'u', debug: false },
      say('a', 'Running local shell script: /tmp/packer-shell1834976096'),
      say('a', 'hi a null', 'message'),
      say('a', 'err', 'error'),
      say('a', 'Using pgzip compression with 2 cores for out/a.tar.gz', 'say', 'a (compress)'),
      { type: 'build-finished', build: 'a', durationMs: 17.6931, artifacts: [] },
      { type: 'build-errored', build: 'b', durationMs: 1012.5, error: new Error('Script exited with non-zero exit status: 3.Allowed exit codes are: [0]') },
    ] satisfies BuildEvent[]) {
      renderer.onEvent(event);
    }
    expect(output()).toBe(
      `${ESC}[1;32ma: output will be in this color.${ESC}[0m\n` +
        `${ESC}[1;36mb: output will be in this color.${ESC}[0m\n` +
        '\n' +
        `${ESC}[1;32m==> a: Running local shell script: /tmp/packer-shell1834976096${ESC}[0m\n` +
        `${ESC}[0;32m    a: hi a null${ESC}[0m\n` +
        `${ESC}[1;31m==> a: err${ESC}[0m\n` +
        `${ESC}[1;32m==> a (compress): Using pgzip compression with 2 cores for out/a.tar.gz${ESC}[0m\n` +
        `${ESC}[1;32mBuild 'a' finished after 17 milliseconds 693 microseconds.${ESC}[0m\n` +
        `${ESC}[1;31mBuild 'b' errored after 1 second 12 milliseconds: Script exited with non-zero exit status: 3.Allowed exit codes are: [0]${ESC}[0m\n`,
    );
  });

  // Expected: `packer build -timestamp-ui t6.json` (local time zone UTC).
  it('-timestamp-ui puts the time inside the color; a multi-line message is prefixed per line, trimmed at its end only', () => {
    const { renderer, output } = harness({ color: true, timestamps: true });
    renderer.onEvent({ type: 'run-started', builds: ['a'], runUuid: 'u', debug: false });
    renderer.onEvent(say('a', 'Running local shell script: /tmp/packer-shell659917448'));
    renderer.onEvent(say('a', 'one\ntwo  \n\n', 'message'));
    const lines = output().split('\n');
    expect(lines[2]).toBe(`${ESC}[1;32m${'2026-11-27T18:38:19Z'}: ==> a: Running local shell script: /tmp/packer-shell659917448${ESC}[0m`);
    expect(lines.slice(3)).toEqual([`${ESC}[0;32m2026-11-27T18:38:19Z:     a: one`, '    a: two  ', '    a: ', `    a:${ESC}[0m`, '']);
  });

  // Expected: `packer build -machine-readable t2.json`.
  it('machine-readable: ui rows, prepare diagnostics first, then the summary rows', () => {
    const { ui, renderer, output } = harness({ machineReadable: true });
    const ts = Math.floor(NOW.getTime() / 1000);
    renderer.onEvent({
      type: 'prepare-failed',
      build: 'bad',
      stage: 'prepare',
      errors: [new KilnError('CONFIG_INVALID', `unknown configuration key: '"bogus"'`)],
    });
    renderer.onEvent({ type: 'run-started', builds: ['a', 'b'], runUuid: 'u', debug: false });
    renderer.onEvent(say('a', 'Pausing 1s before the next provisioner...'));
    renderer.onEvent({ type: 'build-finished', build: 'a', durationMs: 1010.2, artifacts: [] });
    const nullArtifact = artifact('fnoeding.null', 'Null', 'Did not export anything. This is the null builder');
    const code = printSummary(
      ui,
      result({
        durationMs: 1012.3,
        failures: [{ buildName: 'bad', stage: 'prepare', errors: [] }],
        builds: [
          { name: 'a', status: 'succeeded', artifacts: [nullArtifact], durationMs: 1010 },
          { name: 'b', status: 'failed', error: new Error('Script exited with non-zero exit status: 3.Allowed exit codes are: [0]'), durationMs: 1012 },
        ],
      }),
    );
    expect(code).toBe(1);
    expect(output().replaceAll(String(ts), 'T')).toBe(
      [
        `T,,ui,error,Error: Failed to prepare build: "bad"\\n\\n1 error occurred:\\n\t* unknown configuration key: '"bogus"'\\n\\n\\n\\n`,
        'T,,ui,say,==> a: Pausing 1s before the next provisioner...',
        "T,,ui,say,Build 'a' finished after 1 second 10 milliseconds.",
        'T,,ui,say,\\n==> Wait completed after 1 second 12 milliseconds',
        'T,,error-count,1',
        "T,,ui,error,\\n==> Some builds didn't complete successfully and had errors:",
        'T,b,error,Script exited with non-zero exit status: 3.Allowed exit codes are: [0]',
        'T,,ui,error,--> b: Script exited with non-zero exit status: 3.Allowed exit codes are: [0]',
        'T,,ui,say,\\n==> Builds finished. The artifacts of successful builds are:',
        'T,a,artifact-count,1',
        'T,a,artifact,0,builder-id,fnoeding.null',
        'T,a,artifact,0,id,Null',
        'T,a,artifact,0,string,Did not export anything. This is the null builder',
        'T,a,artifact,0,files-count,0',
        'T,a,artifact,0,end',
        'T,,ui,say,--> a: Did not export anything. This is the null builder',
        '',
      ].join('\n'),
    );
  });

  // Expected: `packer build -machine-readable t1.json`, build b's checksum artifact.
  it('machine-readable artifact rows list the files and escape commas', () => {
    const { ui, output } = harness({ machineReadable: true });
    const checksum = artifact('packer.post-processor.checksum', '', 'Created artifact from files: out/b.txt, packer_b_file_sha256.checksum', [
      'out/b.txt',
      'packer_b_file_sha256.checksum',
    ]);
    printSummary(ui, result({ builds: [{ name: 'b', status: 'succeeded', artifacts: [checksum], durationMs: 1 }] }));
    const rows = output()
      .split('\n')
      .filter((row) => row.includes(',b,artifact,'))
      .map((row) => row.slice(row.indexOf(',')));
    expect(rows).toEqual([
      ',b,artifact,0,builder-id,packer.post-processor.checksum',
      ',b,artifact,0,id,',
      ',b,artifact,0,string,Created artifact from files: out/b.txt%!(PACKER_COMMA) packer_b_file_sha256.checksum',
      ',b,artifact,0,files-count,2',
      ',b,artifact,0,file,0,out/b.txt',
      ',b,artifact,0,file,1,packer_b_file_sha256.checksum',
      ',b,artifact,0,end',
    ]);
  });

  // Expected: Packer 1.6.6 after Ctrl-C (`Build 'x' finished` is Packer's misleading line; Kiln says cancelled).
  it('on Ctrl-C says it is cancelling, what it cleans up, and ends with Packer lines', () => {
    const { ui, renderer, output } = harness();
    renderer.onEvent({ type: 'run-started', builds: ['a'], runUuid: 'u', debug: false });
    renderer.onEvent({ type: 'cancelling' });
    renderer.onEvent({ type: 'step', build: 'a', step: { step: 'StepConnect', index: 0, count: 2, phase: 'cleanup', status: 'started' } });
    renderer.onEvent({ type: 'build-cancelled', build: 'a', durationMs: 1663.2 });
    expect(printSummary(ui, result({ cancelled: true, durationMs: 1663.4 }))).toBe(1);
    expect(output()).toBe(
      [
        'Cancelling build after receiving interrupt',
        "==> a: Cleaning up step 'StepConnect'...",
        "Build 'a' cancelled after 1 second 663 milliseconds.",
        '',
        '==> Wait completed after 1 second 663 milliseconds',
        'Cleanly cancelled builds after being interrupted.',
        '',
      ].join('\n'),
    );
  });

  it('ends with "no artifacts" when nothing was built, and unknown plugins as initialize failures', () => {
    const { ui, renderer, output } = harness();
    renderer.onEvent({
      type: 'prepare-failed',
      build: 'a',
      stage: 'initialize',
      errors: [new KilnError('PLUGIN_UNKNOWN', "error initializing builder 'nope': Unknown builder nope")],
    });
    renderer.onEvent({ type: 'run-started', builds: [], runUuid: 'u', debug: false });
    printSummary(ui, result({ durationMs: 0.004 }));
    // `packer build t3.json`
    expect(output()).toBe(
      'Error: Failed to initialize build "a"\n\nerror initializing builder \'nope\': Unknown builder nope\n\n\n' +
        '\n==> Wait completed after 4 microseconds\n' +
        '\n==> Builds finished but no artifacts were created.\n',
    );
  });
});
