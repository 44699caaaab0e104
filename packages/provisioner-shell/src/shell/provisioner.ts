import { KilnError, throwConfigErrors, type PrepareContext, type ProvisionContext, type Provisioner } from '@kiln/sdk';
import type { ShellConfig } from './config.js';
import { planShell, type ShellPlan } from './plan.js';
import { runShell } from './run.js';

/** Uploads scripts to the machine over the build's communicator and runs them there. */
export class ShellProvisioner implements Provisioner<ShellConfig> {
  private plan?: ShellPlan;
  private render?: PrepareContext['render'];

  prepare(config: ShellConfig, ctx: PrepareContext): void {
    const { plan, errors } = planShell(config, { ...(ctx.cwd ? { cwd: ctx.cwd } : {}) });
    throwConfigErrors(errors);
    this.plan = plan;
    this.render = (text, data) => ctx.render(text, data);
  }

  async provision(ctx: ProvisionContext): Promise<void> {
    if (!this.plan || !this.render) throw new Error('shell: provision() before prepare()');
    if (!ctx.communicator) {
      throw new KilnError('CONFIG_INVALID', 'The shell provisioner needs a communicator; this build has none.');
    }
    await runShell(this.plan, {
      ui: ctx.ui,
      communicator: ctx.communicator,
      signal: ctx.signal,
      env: ctx.env,
      generatedData: ctx.generatedData,
      render: this.render,
    });
  }
}
