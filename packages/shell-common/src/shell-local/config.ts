import type { JsonSchema } from '@kiln/sdk';

/** The options of shell-local, as the template layer hands them over (decoded and schema-checked). */
export interface ShellLocalConfig {
  readonly command?: string;
  readonly inline?: readonly string[];
  readonly script?: string;
  readonly scripts?: readonly string[];
  readonly environment_vars?: readonly string[];
  readonly env_var_format?: string;
  readonly execute_command?: readonly string[];
  readonly inline_shebang?: string;
  readonly only_on?: readonly string[];
  readonly tempfile_extension?: string;
  readonly use_linux_pathing?: boolean;
  readonly valid_exit_codes?: readonly number[];
}

/** The operating system names `only_on` accepts (Go's GOOS values). */
export const SUPPORTED_OS_NAMES = ['darwin', 'freebsd', 'linux', 'openbsd', 'solaris', 'windows'] as const;

const stringList = (description: string, extra: Partial<JsonSchema> = {}): JsonSchema => ({
  type: 'array',
  items: { type: 'string' },
  description,
  ...extra,
});

/**
 * The JSON Schema of shell-local, shared by the provisioner and the post-processor (Packer uses one
 * config struct for both). The post-processor's `execute_command` also accepts Packer's older
 * single-string form, which it runs through `sh -c`.
 */
export function shellLocalSchema(kind: 'provisioner' | 'post-processor'): JsonSchema {
  const executeCommandExtra =
    kind === 'post-processor'
      ? ' A single-element list (the form this post-processor took before it shared its options with ' +
        'the provisioner) is run as `sh -c <element>`.'
      : '';
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      command: {
        type: 'string',
        description:
          'One command to run. It is written to a temporary script and run like `inline`. Exactly one of ' +
          '`command`, `inline`, `script` and `scripts` is required.',
      },
      inline: stringList(
        'Commands to run, one per element. They are written, one per line, to a single temporary script ' +
          'that starts with `inline_shebang`, so a `cd` in one line holds for the next.',
      ),
      script: {
        type: 'string',
        description: 'Path of a local script to run, absolute or relative to the working directory.',
      },
      scripts: stringList('Paths of local scripts to run in order, each in a fresh shell.'),
      environment_vars: stringList(
        'Variables for the scripts, each as `KEY=value`. They reach the script through `{{.Vars}}` in ' +
          '`execute_command`, next to PACKER_BUILD_NAME, PACKER_BUILDER_TYPE and, when the builder ' +
          'serves files over HTTP, PACKER_HTTP_ADDR, PACKER_HTTP_IP and PACKER_HTTP_PORT. Values may use ' +
          '`{{ build `Key` }}`.',
      ),
      env_var_format: {
        type: 'string',
        description:
          'The Go format string that turns each variable into part of `{{.Vars}}`, with the name and then ' +
          "the value for its two `%s`. Default `%s='%s' ` (Windows: `set %s=%s && `).",
      },
      execute_command: stringList(
        'How a script is run: the program and its arguments, each a template with `{{.Vars}}` (the ' +
          'formatted variables), `{{.Script}}` (the absolute path of the script) and `{{.Command}}` (the ' +
          "same as `{{.Script}}`). Default `[\"/bin/sh\", \"-c\", \"{{.Vars}} {{.Script}}\"]` (Windows: " +
          '`["cmd", "/V", "/C", "{{.Vars}}", "call", "{{.Script}}"]`).' +
          executeCommandExtra,
        { 'x-kiln-late-render': true },
      ),
      inline_shebang: {
        type: 'string',
        description:
          'The interpreter line written at the top of the script made from `inline` or `command`. Keep ' +
          'a flag like `-e` so that a failing line fails the script. Default `/bin/sh -e` (none on Windows).',
      },
      only_on: stringList(
        'Run only when Kiln runs on one of these operating systems: `darwin`, `freebsd`, `linux`, ' +
          '`openbsd`, `solaris`, `windows`. Elsewhere the step is skipped with a message. Default: every system.',
      ),
      tempfile_extension: {
        type: 'string',
        description:
          'Extension given to the temporary script made from `inline` or `command` (a leading dot is ' +
          'optional). Default none (Windows: `cmd`).',
      },
      use_linux_pathing: {
        type: 'boolean',
        default: false,
        description:
          'On Windows with the Windows Subsystem for Linux: pass script paths as `/mnt/c/...` so that a ' +
          'Linux shell can run them. Works with `script` and `scripts` only.',
      },
      valid_exit_codes: {
        type: 'array',
        items: { type: 'integer' },
        default: [0],
        description: 'Exit codes that count as success.',
      },
    },
  };
}
