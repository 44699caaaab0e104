import { packerText, targetedText, type AskRequest, type BuildEvent, type PrepareFailure, type PrepareWarning } from '@kiln/core';
import { messageOf, type KilnError } from '@kiln/sdk';
import { buildDiagnostics } from '../commands/validate.js';
import { BUILD_COLORS, colorize, type UiColor } from '../output/color.js';
import { writeDiagnostics } from '../output/diagnostics.js';
import type { CliUi } from '../output/ui.js';
import type { BuildLogDir } from './log-dir.js';
import { rfc3339Local } from './timestamp.js';

export interface BuildRendererOptions {
  readonly ui: CliUi;
  /** Colors per build (off with -color=false, PACKER_NO_COLOR, machine-readable). */
  readonly color: boolean;
  /** -timestamp-ui */
  readonly timestamps: boolean;
  readonly now: () => Date;
  readonly logDir?: BuildLogDir | undefined;
  /** How a KilnError reads in prepare diagnostics (validate's: located, hinted). */
  readonly formatError: (error: KilnError) => string;
}

type Level = 'say' | 'message' | 'error';

/**
 * Turns core's build events into Packer's output: prepare diagnostics first, the color legend,
 * then each build's lines through Packer's stack of UIs (targeted `==> name: `, timestamp, color).
 * Each event is written with one call, so parallel builds never mix within a line.
 */
export class BuildRenderer {
  private readonly colors = new Map<string, UiColor>();
  private readonly failures: PrepareFailure[] = [];
  private readonly warnings: PrepareWarning[] = [];
  private cancelling = false;

  constructor(private readonly options: BuildRendererOptions) {}

  readonly onEvent = (event: BuildEvent): void => {
    switch (event.type) {
      case 'prepare-failed':
        this.failures.push({ buildName: event.build, stage: event.stage, errors: event.errors });
        return;
      case 'prepare-warnings':
        this.warnings.push({ buildName: event.build, messages: event.messages });
        return;
      case 'run-started':
        this.flushDiagnostics();
        this.start(event.builds, event.debug);
        return;
      case 'ui':
        this.buildLine(event.build, event.level, targetedText(event.target, event.level, event.text));
        return;
      case 'step':
        // Beyond Packer: after Ctrl-C, say what is being cleaned up.
        if (this.cancelling && event.step.phase === 'cleanup' && event.step.status === 'started') {
          this.buildLine(event.build, 'say', targetedText(event.build, 'say', `Cleaning up step '${event.step.step}'...`));
        }
        return;
      case 'cancelling':
        this.cancelling = true;
        this.options.ui.error(packerText.cancelling);
        return;
      case 'build-finished':
        this.buildLine(event.build, 'say', packerText.buildFinished(event.build, event.durationMs));
        return;
      case 'build-errored':
        this.buildLine(event.build, 'error', packerText.buildErrored(event.build, event.durationMs, messageOf(event.error)));
        return;
      case 'build-cancelled':
        this.buildLine(event.build, 'error', packerText.buildCancelled(event.build, event.durationMs));
        return;
      case 'log':
        if (event.build !== undefined) this.options.logDir?.write(event.build, `[log] ${event.text}`);
        return;
      default:
        return;
    }
  };

  /** Prompts (-on-error=ask, -debug) as Packer asks them: `==> name: question`, in the build's color. */
  readonly ask = (request: AskRequest): Promise<string> => {
    const question = targetedText(request.target, 'ask', request.question);
    const color = this.colors.get(request.build);
    return this.options.ui.ask(this.options.color && color ? colorize(question, color, true) : question);
  };

  /** The prepare failures and warnings, in one block as `validate` prints them (Packer's writeDiags). */
  private flushDiagnostics(): void {
    writeDiagnostics(this.options.ui, buildDiagnostics(this.failures, this.warnings, this.options.formatError));
  }

  private start(builds: readonly string[], debug: boolean): void {
    const { ui, color } = this.options;
    if (debug) ui.say(packerText.debugMode);
    builds.forEach((build, index) => {
      const buildColor = BUILD_COLORS[index % BUILD_COLORS.length]!;
      this.colors.set(build, buildColor);
      if (!color) return;
      ui.say(colorize(packerText.colorIntro(build), buildColor, true));
      if (index === builds.length - 1) ui.say('');
    });
  }

  /** Packer's build UI stack: timestamp (if asked) inside the color, errors bold red, messages not bold. */
  private buildLine(build: string, level: Level, text: string): void {
    const { ui, color, timestamps, now, logDir } = this.options;
    logDir?.write(build, text);
    let line = timestamps ? `${rfc3339Local(now())}: ${text}` : text;
    const buildColor = this.colors.get(build);
    if (color && buildColor) line = colorize(line, level === 'error' ? 'red' : buildColor, level !== 'message');
    ui[level](line);
  }
}
