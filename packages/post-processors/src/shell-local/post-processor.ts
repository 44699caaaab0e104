import {
  throwConfigErrors,
  type Artifact,
  type PostProcessContext,
  type PostProcessResult,
  type PostProcessor,
  type PrepareContext,
} from '@kiln/sdk';
import {
  hostOs,
  planShellLocal,
  runShellLocal,
  type ShellLocalConfig,
  type ShellLocalPlan,
} from '@kiln/shell-common';
import { generatedDataOf } from '../common/generated-data.js';

/**
 * Before it shared the provisioner's options, this post-processor took execute_command as one
 * string run by `sh -c`; a one-element list is still read that way.
 */
export function withLegacyExecuteCommand(config: ShellLocalConfig): ShellLocalConfig {
  const command = config.execute_command;
  return command?.length === 1 ? { ...config, execute_command: ['sh', '-c', ...command] } : config;
}

/** Runs local commands after the build, with its generated data; passes the artifact on untouched. */
export class ShellLocalPostProcessor implements PostProcessor<ShellLocalConfig> {
  private plan?: ShellLocalPlan;
  private render?: PrepareContext['render'];

  prepare(config: ShellLocalConfig, ctx: PrepareContext): void {
    const { plan, errors } = planShellLocal(withLegacyExecuteCommand(config), { os: hostOs() });
    throwConfigErrors(errors);
    this.plan = plan;
    this.render = (text, data) => ctx.render(text, data);
  }

  async postProcess(artifact: Artifact, ctx: PostProcessContext): Promise<PostProcessResult> {
    if (!this.plan || !this.render) throw new Error('shell-local: postProcess() before prepare()');
    await runShellLocal(this.plan, {
      ui: ctx.ui,
      signal: ctx.signal,
      env: ctx.env,
      generatedData: generatedDataOf(artifact),
      render: this.render,
    });
    // Kept, or the artifact would be lost rather than passed through (Packer forces it too).
    return { artifact, keep: true, forceOverride: true };
  }
}
