import { throwConfigErrors, type PrepareContext, type ProvisionContext, type Provisioner } from '@kiln/sdk';
import {
  hostOs,
  planShellLocal,
  runShellLocal,
  type ShellLocalConfig,
  type ShellLocalPlan,
} from '@kiln/shell-common';

/** Runs commands on the machine Kiln runs on, once per build, with the build's generated data. */
export class ShellLocalProvisioner implements Provisioner<ShellLocalConfig> {
  private plan?: ShellLocalPlan;
  private render?: PrepareContext['render'];

  prepare(config: ShellLocalConfig, ctx: PrepareContext): void {
    const { plan, errors } = planShellLocal(config, { os: hostOs() });
    throwConfigErrors(errors);
    this.plan = plan;
    this.render = (text, data) => ctx.render(text, data);
  }

  async provision(ctx: ProvisionContext): Promise<void> {
    if (!this.plan || !this.render) throw new Error('shell-local: provision() before prepare()');
    await runShellLocal(this.plan, {
      ui: ctx.ui,
      signal: ctx.signal,
      env: ctx.env,
      generatedData: ctx.generatedData,
      render: this.render,
    });
  }
}
