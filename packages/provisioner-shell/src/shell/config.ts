import type { JsonSchema } from '@kiln/sdk';

/** The options of the remote shell provisioner, as the template layer hands them over. */
export interface ShellConfig {
  readonly inline?: readonly string[];
  readonly script?: string;
  readonly scripts?: readonly string[];
  readonly inline_shebang?: string;
  readonly environment_vars?: readonly string[];
  readonly env_var_format?: string;
  readonly execute_command?: string;
  readonly use_env_var_file?: boolean;
  readonly remote_folder?: string;
  readonly remote_file?: string;
  readonly remote_path?: string;
  readonly binary?: boolean;
  readonly valid_exit_codes?: readonly number[];
  readonly expect_disconnect?: boolean;
  readonly start_retry_timeout?: string;
  readonly skip_clean?: boolean;
  readonly pause_after?: string;
}

const text = (description: string, extra: Partial<JsonSchema> = {}): JsonSchema => ({ type: 'string', description, ...extra });
const flag = (description: string): JsonSchema => ({ type: 'boolean', default: false, description });
const list = (description: string): JsonSchema => ({ type: 'array', items: { type: 'string' }, description });
const duration = (description: string, defaultValue?: string): JsonSchema =>
  text(description, { 'x-kiln-duration': true, ...(defaultValue === undefined ? {} : { default: defaultValue }) });

export const shellSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    inline: list(
      'Commands to run on the machine, one per element. They are written, one per line, to one script that starts ' +
        'with `inline_shebang`, so a `cd` in one line holds for the next. Exactly one of `inline`, `script` and ' +
        '`scripts` is required.',
    ),
    script: text('Path of a local script to upload and run, absolute or relative to the working directory.'),
    scripts: list('Paths of local scripts to upload and run in order, each in a fresh shell.'),
    inline_shebang: text(
      'The interpreter line written at the top of the script made from `inline`. Keep `-e` so that a failing line ' +
        'fails the script.',
      { default: '/bin/sh -e' },
    ),
    environment_vars: list(
      'Variables for the scripts, each as `KEY=value`; quotes, spaces and `$` in values arrive unchanged. They reach ' +
        'the script through `{{.Vars}}` (or the file `{{.EnvVarFile}}`), next to PACKER_BUILD_NAME, ' +
        'PACKER_BUILDER_TYPE and, when the builder serves files over HTTP, PACKER_HTTP_ADDR, PACKER_HTTP_IP and ' +
        'PACKER_HTTP_PORT.',
    ),
    env_var_format: text(
      "The Go format string that turns each variable into part of `{{.Vars}}`, name then value. Default `%s='%s' ` " +
        "(`export %s='%s'\\n` with `use_env_var_file`).",
    ),
    execute_command: text(
      'The command that runs each uploaded script, a template with `{{.Path}}` (the remote script), `{{.Vars}}` ' +
        '(the formatted variables) and `{{.EnvVarFile}}` (the remote variables file). Default ' +
        '`chmod +x {{.Path}}; {{.Vars}} {{.Path}}` (`chmod +x {{.Path}}; . {{.EnvVarFile}} && {{.Path}}` with ' +
        '`use_env_var_file`).',
      { 'x-kiln-late-render': true },
    ),
    use_env_var_file: flag(
      'Write the variables to a file in `remote_folder` (mode 0600) and source it, instead of putting them on the ' +
        'command line: for many or long values.',
    ),
    remote_folder: text('Existing remote directory the scripts are uploaded to.', { default: '/tmp' }),
    remote_file: text('Remote file name of the uploaded script. Default `script_<random number>.sh`.'),
    remote_path: text('Full remote path of the uploaded script. Default `<remote_folder>/<remote_file>`.'),
    binary: flag('Upload the scripts as they are; by default Windows line endings (CRLF) become Unix ones (LF).'),
    valid_exit_codes: {
      type: 'array',
      items: { type: 'integer' },
      default: [0],
      description: 'Exit codes that count as success.',
    },
    expect_disconnect: flag(
      'Accept a script that drops the connection (a reboot, a restarted sshd). Without it that fails the build.',
    ),
    start_retry_timeout: duration(
      'How long to keep retrying to upload and start a script while the machine is unreachable, e.g. rebooting.',
      '5m',
    ),
    skip_clean: flag('Leave the uploaded scripts (and variables file) on the machine.'),
    pause_after: duration('Wait this long after the last script, e.g. for a reboot to begin.'),
  },
};
