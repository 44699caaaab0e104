import {
  runSteps,
  stepProvision,
  steps,
  throwConfigErrors,
  type Artifact,
  type BuildContext,
  type Builder,
  type Communicator,
  type PrepareContext,
  type PrepareResult,
  type Step,
} from '@kiln/sdk';
import { stepConnectSsh } from '@kiln/communicator-ssh';
import { communicatorType } from '../communicator/config.js';
import { connectNotSsh, connectionData, type Connector } from '../communicator/connect.js';
import { noneCommunicator } from '../communicator/none.js';
import { nullArtifact } from './artifact.js';
import { nullConfigErrors, type NullConfig } from './config.js';

export interface NullBuilderOptions {
  /** Opens the communicator instead of the built-in ones (SSH through @kiln/communicator-ssh, and none). */
  readonly connect?: Connector;
}

/**
 * Connects to an existing machine (or to nothing) and runs the provisioners: Packer's null
 * builder, for running provisioners without building an image.
 */
export class NullBuilder implements Builder<NullConfig> {
  private config?: NullConfig;

  constructor(private readonly options: NullBuilderOptions = {}) {}

  prepare(config: NullConfig, _ctx: PrepareContext): PrepareResult {
    throwConfigErrors(nullConfigErrors(config));
    this.config = config;
    return {};
  }

  async run(ctx: BuildContext): Promise<Artifact | undefined> {
    const config = this.config;
    if (!config) throw new Error('null builder: run() before prepare()');
    const connect = this.options.connect;
    const stepConnect: Step<object, { communicator?: Communicator }> =
      !connect && communicatorType(config) === 'ssh'
        ? stepConnectSsh<object>({ host: () => config.ssh_host ?? '', config: () => config })
        : {
            name: 'StepConnect',
            run: async (_state, stepCtx) => ({ communicator: await (connect ?? connectNotSsh)(config, stepCtx) }),
            cleanup: async (state) => {
              await state.communicator?.close?.();
            },
          };
    const sequence = steps<object>()
      .then(stepConnect)
      .then(
        stepProvision<{ communicator?: Communicator }>(ctx, {
          communicator: (state) => state.communicator ?? noneCommunicator,
          data: () => ({ instanceId: 'Null', connection: connectionData(config) }),
        }),
      );
    await runSteps(sequence, {}, ctx);
    return nullArtifact;
  }
}
