import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KilnError, NOT_IMPLEMENTED, recordingUi } from '@kiln/sdk';
import { planShellLocal, runShellLocal, type ShellLocalConfig } from '../src/index.js';
import { fakeRender } from './fake-render.js';

const dir = mkdtempSync(join(tmpdir(), 'kiln-run-'));
const env = { buildName: 'web', builderType: 'null', runUuid: '11111111-2222-3333-4444-555555555555' };

async function run(config: ShellLocalConfig, data: Record<string, unknown> = {}, signal = new AbortController().signal) {
  const { plan, errors } = planShellLocal(config, { os: 'linux', cwd: dir });
  expect(errors).toEqual([]);
  const ui = recordingUi();
  const outcome = await runShellLocal(plan, { ui, signal, env, generatedData: data, render: fakeRender, cwd: dir }).then(
    () => undefined,
    (error: unknown) => error,
  );
  return { lines: ui.lines, error: outcome as KilnError | undefined };
}

/** Alive and not a zombie waiting for its new parent to reap it. */
function isRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

const scriptPathOf = (lines: readonly string[]): string =>
  lines.find((line) => line.startsWith('say: Running local shell script: '))!.slice('say: Running local shell script: '.length);

describe('runShellLocal', () => {
  it('runs inline commands, stdout to message and stderr to error, with the PACKER_* variables', async () => {
    const { lines, error } = await run(
      {
        inline: [
          'echo "build=$PACKER_BUILD_NAME type=$PACKER_BUILDER_TYPE http=$PACKER_HTTP_ADDR uuid=$PACKER_RUN_UUID"',
          'echo oops >&2',
          'echo "A=$A id={{.ID}}"',
        ],
        environment_vars: ["A=it's {{.ID}}"],
      },
      { ID: 'i-123', PackerHTTPAddr: '10.0.2.2:8080', PackerHTTPIP: '10.0.2.2', PackerHTTPPort: '8080' },
    );
    expect(error).toBeUndefined();
    expect(lines[0]).toMatch(/^say: Running local shell script: .*\/packer-shell\d+$/);
    // stdout and stderr are separate pipes: their relative order is not defined
    expect(lines.filter((line) => line.startsWith('message: '))).toEqual([
      `message: build=web type=null http=10.0.2.2:8080 uuid=${env.runUuid}`,
      "message: A=it's i-123 id=i-123",
    ]);
    expect(lines.filter((line) => line.startsWith('error: '))).toEqual(['error: oops']);
  });

  it('leaves PACKER_HTTP_* out when the builder ran no HTTP server', async () => {
    const { lines } = await run({ inline: ['env | grep ^PACKER_ | sort'] }, { ...NOT_IMPLEMENTED });
    expect(lines.slice(1)).toEqual([
      'message: PACKER_BUILDER_TYPE=null',
      'message: PACKER_BUILD_NAME=web',
      `message: PACKER_RUN_UUID=${env.runUuid}`,
    ]);
  });

  it('renders execute_command with .Vars, .Script and .Command', async () => {
    const { lines } = await run({
      inline: ['true'],
      environment_vars: ['B=2', 'A=1'],
      execute_command: ['/bin/sh', '-c', 'printf "%s|%s|%s\\n" "{{.Vars}}" {{.Script}} {{.Command}}'],
    });
    const script = scriptPathOf(lines);
    expect(lines[1]).toBe(`message: A='1' B='2' PACKER_BUILDER_TYPE='null' PACKER_BUILD_NAME='web' |${script}|${script}`);
  });

  it('writes the shebang, names the temp file with tempfile_extension, and removes it afterwards', async () => {
    const { lines } = await run({ inline: ['cat "$0"'], tempfile_extension: '.sh', execute_command: ['/bin/sh', '{{.Script}}'] });
    const script = scriptPathOf(lines);
    expect(script).toMatch(/\/packer-shell\d+\.sh$/);
    expect(lines.slice(1)).toEqual(['message: #!/bin/sh -e', 'message: cat "$0"']);
    expect(existsSync(script)).toBe(false);
  });

  it('runs scripts by the path the user gave, passing the absolute path', async () => {
    writeFileSync(join(dir, 'hello.sh'), 'echo "I am $0"\n', { mode: 0o755 });
    const { lines } = await run({ scripts: ['hello.sh'] });
    expect(lines).toEqual(['say: Running local shell script: hello.sh', `message: I am ${join(dir, 'hello.sh')}`]);
  });

  it("fails on an exit code that is not allowed, in Packer's words, and accepts an allowed one", async () => {
    const failed = await run({ inline: ['exit 3'] });
    expect(failed.error).toBeInstanceOf(KilnError);
    expect(failed.error?.message).toBe('Script exited with non-zero exit status: 3.Allowed exit codes are: [0]');
    expect((await run({ command: 'exit 3', valid_exit_codes: [0, 3] })).error).toBeUndefined();
  });

  it('skips on another OS with a message', async () => {
    const { lines, error } = await run({ inline: ['echo ran'], only_on: ['windows', 'darwin'] });
    expect(error).toBeUndefined();
    expect(lines).toEqual(['say: Skipping shell-local due to runtime OS']);
  });

  it('says why a program could not be started', async () => {
    const { lines, error } = await run({ inline: ['true'], execute_command: ['/no/such/shell', '{{.Script}}'] });
    const script = scriptPathOf(lines);
    expect(lines[1]).toBe('error: fork/exec /no/such/shell: no such file or directory');
    expect(error?.message).toBe(`Error executing script: ${script}\n\nPlease see output above for more information.`);
  });

  it('kills the whole process group on cancel and removes the temp script', async () => {
    const pidFile = join(dir, 'bg.pid');
    const controller = new AbortController();
    const started = Date.now();
    const pending = run({ inline: [`sleep 30 & echo $! > ${pidFile}`, 'echo started', 'wait'] }, {}, controller.signal);
    for (let i = 0; i < 100 && !existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 100));
    controller.abort();
    const { lines, error } = await pending;
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(error?.code).toBe('CANCELLED');
    expect(existsSync(scriptPathOf(lines))).toBe(false);
    const backgroundPid = Number(readFileSync(pidFile, 'utf8'));
    for (let i = 0; i < 40 && isRunning(backgroundPid); i++) await new Promise((r) => setTimeout(r, 50));
    expect(isRunning(backgroundPid)).toBe(false);
  });
});
