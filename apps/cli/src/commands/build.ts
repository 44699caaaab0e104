import path from 'node:path';
import { build, type BuildResult } from '@kiln/core';
import type { CliCommand } from '../command.js';
import { BuildLogDir } from '../build-output/log-dir.js';
import { BuildRenderer } from '../build-output/renderer.js';
import { printSummary } from '../build-output/summary.js';
import { boolFlag, enumFlag, intFlag, keyValueFlag, listFlag, repeatedFlag, stringFlag } from '../flags/types.js';
import { useColor } from '../output/color.js';
import { templateErrorDiagnostic, writeDiagnostics } from '../output/diagnostics.js';
import { kilnErrorFormatter } from '../output/errors.js';
import { createCliUi } from '../output/ui.js';
import { createBundledPluginRegistry } from '../plugins.js';
import { parseTemplateArguments } from './arguments.js';
import { synopsisOf } from './synopses.js';
import { checkTemplateAndVariables, readTemplateAndVariableFlags } from './template-stages.js';

const HELP = `Usage: kiln build [options] TEMPLATE

  Will execute multiple builds in parallel as defined in the template.
  The various artifacts created by the template will be outputted.

Options:

  -color=false                  Disable color output. (Default: color)
  -debug                        Debug mode enabled for builds.
  -except=foo,bar,baz           Run all builds and post-processors other than these.
  -only=foo,bar,baz             Build only the specified builds.
  -force                        Force a build to continue if artifacts exist, deletes existing artifacts.
  -machine-readable             Produce machine-readable output.
  -on-error=[cleanup|abort|ask|run-cleanup-provisioner] If the build fails do: clean up (default), abort, ask, or run-cleanup-provisioner.
  -parallel-builds=1            Number of builds to run in parallel. 1 disables parallelization. 0 means no limit (Default: 0)
  -timestamp-ui                 Enable prefixing of each ui output with an RFC3339 timestamp.
  -var 'key=value'              Variable for templates, can be used multiple times.
  -var-file=path                JSON file containing user variables.
  -log-dir=DIR                  Write one complete log per build to DIR/<build>.log (Kiln).`;

const FLAGS = {
  color: boolFlag(true),
  debug: boolFlag(),
  except: listFlag(),
  only: listFlag(),
  force: boolFlag(),
  'machine-readable': boolFlag(),
  'on-error': enumFlag(['cleanup', 'abort', 'ask', 'run-cleanup-provisioner'], 'cleanup'),
  'parallel-builds': intFlag(0),
  'timestamp-ui': boolFlag(),
  var: keyValueFlag(),
  'var-file': repeatedFlag(),
  'log-dir': stringFlag(''),
};

/**
 * `kiln build`: Packer's build command over @kiln/core. The output is Packer's (colors, `==> name:`
 * lines, the artifact list, machine-readable rows); beyond Packer, parallel builds never mix
 * within a line, -log-dir keeps one log per build, and Ctrl-C says what it cleans up.
 */
export const buildCommand: CliCommand = {
  name: 'build',
  synopsis: synopsisOf('build'),
  help: HELP,
  handlesSignals: true,
  async run(argv, io, options) {
    const machineReadable = options.machineReadable;
    const ui = createCliUi({ io, machineReadable });
    const parsed = parseTemplateArguments(argv, FLAGS, HELP, ui);
    if (!parsed) return 1;
    const { flags } = parsed;
    const read = await readTemplateAndVariableFlags(parsed.template, flags, io, ui);
    if (!read) return 1;
    const { template, given } = read;
    const formatError = kilnErrorFormatter(io.cwd);
    const variables = await checkTemplateAndVariables(template, given, io, ui, formatError);
    if (typeof variables === 'number') return variables;

    const now = io.now ?? (() => new Date());
    const renderer = new BuildRenderer({
      ui,
      color: useColor({ colorFlag: flags.color, machineReadable, env: io.env }),
      timestamps: flags['timestamp-ui'],
      now,
      logDir: flags['log-dir'] === '' ? undefined : new BuildLogDir(path.resolve(io.cwd, flags['log-dir']), now),
      formatError,
    });
    let result: BuildResult;
    try {
      result = await build(template, {
        registry: createBundledPluginRegistry(),
        variables,
        only: flags.only,
        except: flags.except,
        parallel: flags['parallel-builds'],
        debug: flags.debug,
        force: flags.force,
        onError: flags['on-error'],
        ...(io.signal ? { signal: io.signal } : {}),
        onEvent: renderer.onEvent,
        ask: renderer.ask,
        cwd: io.cwd,
        env: io.env,
        initTime: now(),
        stderr: io.stderr,
      });
    } catch (error) {
      return writeDiagnostics(ui, [templateErrorDiagnostic(error, formatError)]);
    }
    return printSummary(ui, result);
  },
};

