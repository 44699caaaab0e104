import { copyFile, chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', 'chef-standin', 'chef-standin.mjs');
const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export type ChefStandinTool = 'chef-solo' | 'chef-client' | 'knife' | 'install';

/** One call of a stand-in, as it recorded itself. */
export interface ChefStandinCall {
  readonly tool: ChefStandinTool;
  readonly args: readonly string[];
  /** Whether it ran under the `sudo` stand-in. */
  readonly sudo: boolean;
  readonly configPath?: string;
  readonly configText?: string;
  /** The config as Ruby evaluated it: `key value` lines, symbols as `:sym`, STDOUT as `STDOUT`. */
  readonly settings?: Readonly<Record<string, unknown>>;
  readonly jsonPath?: string;
  readonly jsonText?: string;
  /** Every path the config names: a directory as {relative path: sha256}, a file as its sha256. */
  readonly trees?: Readonly<Record<string, Readonly<Record<string, string>> | string>>;
  /** `-v` of the omnitruck install script stand-in. */
  readonly version?: string;
  /** What a real Chef would have refused (config not Ruby, JSON not JSON, a named path missing). */
  readonly problems: readonly string[];
  readonly status: number;
}

export interface ChefStandin {
  /** The directory of the stand-in executables; first on `path`. */
  readonly binDir: string;
  /** A PATH with the stand-ins first. */
  readonly path: string;
  /**
   * The sshd_config lines (startSshd `config`) that put the stand-ins on the PATH of every ssh
   * command and log each command a client runs (`commands()`).
   */
  readonly sshdConfig: readonly string[];
  /** Every call so far, in order. */
  calls(): Promise<ChefStandinCall[]>;
  /** Every command a client ran through the sshd (startSshd with `sshdConfig`), in order. */
  commands(): Promise<string[]>;
  /** Forgets the calls and commands so far. */
  reset(): Promise<void>;
  /** Makes each named tool exit with the status given (0 or absent: succeed) from now on. */
  failWith(statuses: Partial<Record<ChefStandinTool, number>>): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Installs `chef-solo`, `chef-client` and `knife` stand-ins in a temp dir (Chef is a Ruby gem and
 * out of reach here), plus `sudo` (runs the command, marked as sudo'd) and `curl` (serves a stand-in
 * for omnitruck's install.sh, so an install run records its `-v` and touches no network; any other
 * URL goes to the real curl). The stand-ins check what a real Chef would read: see
 * chef-standin/chef-standin.mjs. Needs node and ruby (`ruby -c`) on this host.
 */
export async function installChefStandin(): Promise<ChefStandin> {
  const binDir = await mkdtemp(join(tmpdir(), 'kiln-chef-standin-'));
  const script = join(binDir, 'chef-standin.mjs');
  await copyFile(SCRIPT, script);
  const node = process.execPath;
  const wrappers: Record<string, string> = {
    'chef-solo': `exec '${node}' '${script}' chef-solo "$@"`,
    'chef-client': `exec '${node}' '${script}' chef-client "$@"`,
    knife: `exec '${node}' '${script}' knife "$@"`,
    sudo: 'KILN_CHEF_STANDIN_SUDO=1 exec "$@"',
    // sshd's ForceCommand: logs each command a client sent (NUL-terminated), then runs it.
    'kiln-record-command': [
      `printf '%s\\0' "$SSH_ORIGINAL_COMMAND" >> '${join(binDir, 'commands.log')}'`,
      'case "$SSH_ORIGINAL_COMMAND" in',
      '  sftp|internal-sftp) exec /usr/lib/openssh/sftp-server ;;',
      '  "") exec "${SHELL:-/bin/sh}" -l ;;',
      'esac',
      'exec "${SHELL:-/bin/sh}" -c "$SSH_ORIGINAL_COMMAND"',
    ].join('\n'),
    curl: [
      'case "$*" in',
      `  *omnitruck.chef.io/install.sh*) printf '%s\\n' "exec '${node}' '${script}' install \\"\\$@\\"" ;;`,
      '  *) PATH=' + SYSTEM_PATH + ' exec curl "$@" ;;',
      'esac',
    ].join('\n'),
  };
  for (const [name, body] of Object.entries(wrappers)) {
    await writeFile(join(binDir, name), `#!/bin/sh\n${body}\n`);
    await chmod(join(binDir, name), 0o755);
  }
  const calls = join(binDir, 'calls.jsonl');
  const path = `${binDir}:${SYSTEM_PATH}`;
  return {
    binDir,
    path,
    sshdConfig: [`SetEnv PATH=${path}`, `ForceCommand ${join(binDir, 'kiln-record-command')}`],
    async calls() {
      const text = await readFile(calls, 'utf8').catch(() => '');
      return text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as ChefStandinCall);
    },
    async commands() {
      const text = await readFile(join(binDir, 'commands.log'), 'utf8').catch(() => '');
      return text.split('\0').slice(0, -1);
    },
    reset: async () => {
      await rm(calls, { force: true });
      await rm(join(binDir, 'commands.log'), { force: true });
    },
    failWith: (statuses) => writeFile(join(binDir, 'fail.json'), JSON.stringify(statuses)),
    stop: () => rm(binDir, { recursive: true, force: true }),
  };
}
