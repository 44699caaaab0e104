import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChefStandin, ChefStandinCall, Sshd } from '@kiln/testbed';
import { tsChildArgs } from '@kiln/testbed/ts-child';
import { stagingDirOf, type ChefCase } from './cases.js';
import { normaliseNodeNames } from './support.js';

/** fixtures/: inputs/ plus one directory per case with Packer 1.6.6's recording. */
export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** Whether the reference Packer 1.6.6 is installed here. */
export const hasPacker =
  spawnSync('packer', ['version'], { encoding: 'utf8' }).stdout?.includes('Packer v1.6.6') ?? false;

/** A stand-in call without what differs from run to run (node names) or is stored as a file. */
export interface RecordedCall {
  readonly tool: string;
  readonly args: readonly string[];
  readonly sudo: boolean;
  readonly settings?: unknown;
  readonly trees?: unknown;
  readonly version?: string;
  readonly problems: readonly string[];
  readonly status: number;
}

/** What one run of a case produced on the machine and on the Ui. */
export interface Recording {
  /** Ui lines from the provisioner, `say: ...` / `message: ...` / `error: ...`. */
  readonly ui: readonly string[];
  /** The provisioner's error message, if it failed. */
  readonly error?: string;
  /** The shell commands run on the machine, but for file transfers (Packer's scp, Kiln's tar). */
  readonly commands: readonly string[];
  readonly calls: readonly RecordedCall[];
  /** The generated files the stand-ins read (solo.rb, node.json, client.rb, first-boot.json, knife.rb). */
  readonly files: Readonly<Record<string, string>>;
}

/** The template a case runs as, its builder reaching the testbed sshd through -var values. */
export function templateOf(chefCase: ChefCase): object {
  return {
    variables: { ...chefCase.variables, ssh_port: '', ssh_username: '', ssh_key: '' },
    builders: [
      {
        type: 'null',
        communicator: 'ssh',
        ssh_host: '127.0.0.1',
        ssh_port: '{{user `ssh_port`}}',
        ssh_username: '{{user `ssh_username`}}',
        ssh_private_key_file: '{{user `ssh_key`}}',
      },
    ],
    provisioners: [chefCase.provisioner],
  };
}

/** Puts the machine in the state a case starts from, and the stand-ins in its failure mode. */
export async function prepareMachine(standin: ChefStandin, chefCase: ChefCase): Promise<void> {
  rmSync(stagingDirOf(chefCase), { recursive: true, force: true });
  for (const dir of chefCase.remoteDirs ?? []) {
    mkdirSync(join(dir, 'remote'), { recursive: true });
    writeFileSync(join(dir, 'remote', 'metadata.rb'), 'name "remote"\n');
  }
  await standin.reset();
  await standin.failWith(chefCase.failWith ?? {});
}

export async function cleanMachine(chefCase: ChefCase): Promise<void> {
  rmSync(stagingDirOf(chefCase), { recursive: true, force: true });
  for (const dir of chefCase.remoteDirs ?? []) rmSync(dir, { recursive: true, force: true });
}

/** Splits the stand-ins' calls into comparable calls and the generated files they read. */
export function recordingOf(
  calls: readonly ChefStandinCall[],
  commands: readonly string[],
  ui: readonly string[],
  error?: string,
): Recording {
  const files: Record<string, string> = {};
  const recorded = calls.map((call) => {
    if (call.configPath !== undefined && call.configText !== undefined) files[basename(call.configPath)] = call.configText;
    if (call.jsonPath !== undefined && call.jsonText !== undefined) files[basename(call.jsonPath)] = call.jsonText;
    const { configText: _c, jsonText: _j, configPath: _cp, jsonPath: _jp, cwd: _cwd, ...rest } = call as ChefStandinCall & { cwd?: string };
    return JSON.parse(normaliseNodeNames(JSON.stringify(rest))) as RecordedCall;
  });
  for (const [name, text] of Object.entries(files)) files[name] = normaliseNodeNames(text);
  return {
    ui: ui.map(normaliseNodeNames),
    ...(error === undefined ? {} : { error: normaliseNodeNames(error) }),
    // Packer's ssh communicator sends each command with a trailing newline; the shell ignores it.
    commands: commands.filter((command) => !isTransfer(command)).map((command) => normaliseNodeNames(command.replace(/\n$/, ''))),
    calls: recorded,
    files,
  };
}

/**
 * How files travel is the communicator's business and differs on purpose (Packer: scp per file;
 * Kiln: one tar stream), so transfers and their probes are left out of the comparison.
 */
function isTransfer(command: string): boolean {
  return /^scp /.test(command) || /\btar\b/.test(command);
}

/** Runs `packer build -machine-readable` on a case in fixtures/ and returns its Ui lines and error. */
export function packerBuild(chefCase: ChefCase, sshd: Sshd): { ui: string[]; error?: string } {
  return machineReadableBuild(['packer'], chefCase, sshd);
}

/**
 * Runs the same case through the kiln command (apps/cli from source, as `kiln build
 * -machine-readable`), for the end-to-end side of the comparison.
 */
export function kilnBuild(chefCase: ChefCase, sshd: Sshd): { ui: string[]; error?: string } {
  const main = fileURLToPath(new URL('../../../apps/cli/src/main.ts', import.meta.url));
  const script = `import { main } from ${JSON.stringify(main)}; process.exitCode = await main(process.argv.slice(1));`;
  return machineReadableBuild([process.execPath, ...tsChildArgs(), '--input-type=module', '-e', script], chefCase, sshd);
}

function machineReadableBuild(command: readonly string[], chefCase: ChefCase, sshd: Sshd): { ui: string[]; error?: string } {
  const [program = 'packer', ...prefix] = command;
  const result = spawnSync(
    program,
    [
      ...prefix,
      'build',
      '-machine-readable',
      `-var=ssh_port=${sshd.port}`,
      `-var=ssh_username=${sshd.username}`,
      `-var=ssh_key=${sshd.privateKeyPath}`,
      join(chefCase.name, 'template.json'),
    ],
    { cwd: FIXTURES, encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' }, timeout: 180_000 },
  );
  const ui: string[] = [];
  let error: string | undefined;
  let provisioning = false;
  for (const row of result.stdout.split('\n')) {
    const [, , kind, level, ...rest] = row.split(',');
    if (kind !== 'ui' || level === undefined) continue;
    const text = rest.join(',').replaceAll('%!(PACKER_COMMA)', ',').replaceAll('\\n', '\n').replaceAll('\\r', '\r');
    const failed = /^Build 'null' errored after [^:]*: ([\s\S]*)$/.exec(text);
    if (failed) error = failed[1];
    const line = /^(?:==> | {4})null: ([\s\S]*)$/.exec(text);
    if (!line) continue;
    const body = line[1] ?? '';
    if (body === 'Connected to SSH!') provisioning = true;
    else if (provisioning && !body.startsWith('Provisioning step had errors')) ui.push(`${level}: ${body}`);
  }
  return { ui, ...(error === undefined ? {} : { error }) };
}

export function writeRecording(chefCase: ChefCase, recording: Recording): void {
  const dir = join(FIXTURES, chefCase.name);
  rmSync(join(dir, 'files'), { recursive: true, force: true });
  mkdirSync(join(dir, 'files'), { recursive: true });
  for (const [name, text] of Object.entries(recording.files)) writeFileSync(join(dir, 'files', name), text);
  const { files: _files, ...rest } = recording;
  writeFileSync(join(dir, 'recorded.json'), `${JSON.stringify(rest, null, 2)}\n`);
}

export function writeTemplate(chefCase: ChefCase): void {
  mkdirSync(join(FIXTURES, chefCase.name), { recursive: true });
  writeFileSync(join(FIXTURES, chefCase.name, 'template.json'), `${JSON.stringify(templateOf(chefCase), null, 2)}\n`);
}

export function readRecording(chefCase: ChefCase): Recording {
  const dir = join(FIXTURES, chefCase.name);
  const rest = JSON.parse(readFileSync(join(dir, 'recorded.json'), 'utf8')) as Omit<Recording, 'files'>;
  const files: Record<string, string> = {};
  for (const name of readdirSync(join(dir, 'files'))) files[name] = readFileSync(join(dir, 'files', name), 'utf8');
  return { ...rest, files };
}
