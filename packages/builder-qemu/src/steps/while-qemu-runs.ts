import { KilnError, type Step } from '@kiln/sdk';
import type { QemuState } from '../state.js';

/**
 * Runs a waiting step (the communicator's connect), after `before` if given, but gives up as soon
 * as QEMU exits: a guest that powered off or panicked would otherwise hold the build for the whole
 * ssh_timeout, as it does in Packer.
 */
export function whileQemuRuns<Out extends object>(step: Step<QemuState, Out>, before?: (state: Readonly<QemuState>, signal: AbortSignal) => Promise<unknown>): Step<QemuState, Out> {
  return {
    ...step,
    async run(state, ctx) {
      const qemu = state.qemu;
      if (!qemu) return step.run(state, ctx);
      const controller = new AbortController();
      const forward = (): void => controller.abort(ctx.signal.reason);
      ctx.signal.addEventListener('abort', forward, { once: true });
      let qemuGone = false;
      void qemu.exited.then(() => {
        qemuGone = true;
        controller.abort(new Error('QEMU exited'));
      });
      try {
        await before?.(state, controller.signal);
        return await step.run(state, { ...ctx, signal: controller.signal });
      } catch (error) {
        if (qemuGone && !ctx.signal.aborted) {
          const said = qemu.stderr().trim();
          throw new KilnError('STEP_FAILED', `The VM stopped before ${step.name} finished (QEMU exited).${said ? `\n${said}` : ''}`, { cause: error });
        }
        throw error;
      } finally {
        ctx.signal.removeEventListener('abort', forward);
      }
    },
  };
}
