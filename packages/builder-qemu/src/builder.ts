import type { Socket } from 'node:net';
import {
  parseGoDuration,
  runSteps,
  stepProvision,
  throwConfigErrors,
  type Artifact,
  type BuildContext,
  type Builder,
  type PrepareContext,
  type PrepareResult,
  type Step,
} from '@kiln/sdk';
import { stepCleanupTempKeys, stepConnectSsh } from '@kiln/communicator-ssh';
import { QemuArtifact, filesUnder } from './artifact.js';
import { prepareQemuConfig, type PreparedQemuConfig, type QemuConfig } from './config.js';
import { spawnQemuDriver, type QemuDriver } from './driver.js';
import type { QemuState } from './state.js';
import { stepConvertDisk, stepCopyDisk, stepCreateDisk, stepResizeDisk } from './steps/step-disks.js';
import { stepDownload } from './steps/step-download.js';
import { stepCreateCD, stepCreateFloppy } from './steps/step-media.js';
import { stepConfigureVnc, stepHttpIpDiscover, stepHttpServer, stepPortForward } from './steps/step-network.js';
import { stepPrepareOutputDir } from './steps/step-output-dir.js';
import { stepConfigureQmp, stepRun, stepTypeBootCommand, stepWaitGuestAddress } from './steps/step-run.js';
import { stepShutdown } from './steps/step-shutdown.js';
import { whileQemuRuns } from './steps/while-qemu-runs.js';
import { waitForSshBanner } from './steps/guest-banner.js';

export interface QemuBuilderOptions {
  /** The QEMU / qemu-img driver (default: the real programs, qemu_binary and qemu-img on PATH). */
  readonly driver?: (config: PreparedQemuConfig) => QemuDriver;
  /** Whether KVM can be used, for the accelerator default (default: /dev/kvm opens). */
  readonly kvmAvailable?: () => boolean;
}

/** Packer's qemu builder: an image made by booting an ISO or a disk image in QEMU and provisioning it. */
export class QemuBuilder implements Builder<QemuConfig> {
  private prepared?: { config: PreparedQemuConfig; ctx: PrepareContext };

  constructor(private readonly options: QemuBuilderOptions = {}) {}

  prepare(raw: QemuConfig, ctx: PrepareContext): PrepareResult {
    const { config, errors, warnings } = prepareQemuConfig(raw, {
      buildName: ctx.buildName,
      ...(this.options.kvmAvailable ? { kvmAvailable: this.options.kvmAvailable } : {}),
    });
    throwConfigErrors(errors);
    this.prepared = { config, ctx };
    return { warnings };
  }

  async run(ctx: BuildContext): Promise<Artifact | undefined> {
    if (!this.prepared) throw new Error('qemu builder: run() before prepare()');
    const { config, ctx: prepareCtx } = this.prepared;
    const driver = (this.options.driver ?? ((c) => spawnQemuDriver({ qemuBinary: c.qemuBinary })))(config);
    const cacheDir = ctx.env.cacheDir;
    const render = prepareCtx.render.bind(prepareCtx);
    // The connection on which the guest's sshd answered the banner probe: the SSH handshake runs on it.
    let answered: Socket | undefined;

    const stepList: Step<QemuState, Partial<QemuState>>[] = [
      stepDownload(config, cacheDir),
      stepPrepareOutputDir(config, ctx.env.force),
      stepCreateFloppy(config),
      stepCreateCD(config),
      stepCreateDisk(config, driver),
      stepCopyDisk(config, driver),
      stepResizeDisk(config, driver),
      stepHttpIpDiscover(config),
      stepHttpServer(config, cacheDir),
      stepPortForward(config, cacheDir),
      stepConfigureVnc(config, cacheDir),
      stepRun(config, driver, render),
      stepConfigureQmp(config),
      stepTypeBootCommand(config, render),
      stepWaitGuestAddress(config),
      whileQemuRuns(
        stepConnectSsh<QemuState>({
          host: () => config.ssh.ssh_host || '127.0.0.1',
          port: (state) => state.commHostPort ?? config.commPort,
          config: () => config.ssh,
          socket: () => {
            const socket = answered;
            answered = undefined;
            return socket;
          },
        }),
        async (state, signal) => {
          if (sshBannerProbe(config) && state.commHostPort !== undefined) {
            answered = await waitForSshBanner('127.0.0.1', state.commHostPort, { budgetMs: sshTimeoutMs(config), signal });
          }
        },
      ),
      stepProvision<QemuState>(ctx, {
        communicator: (state) => state.communicator,
        data: (state) => ({
          httpIp: state.httpIp ?? '',
          httpPort: state.httpPort ?? 0,
          ...(config.communicator === 'none'
            ? {}
            : {
                connection: {
                  type: config.communicator,
                  host: config.ssh.ssh_host || '127.0.0.1',
                  port: state.commHostPort ?? config.commPort,
                  user: config.ssh.ssh_username ?? '',
                  password: config.ssh.ssh_password ?? '',
                  sshPrivateKeyFile: config.ssh.ssh_private_key_file ?? '',
                  sshAgentAuth: config.ssh.ssh_agent_auth === true,
                },
              }),
        }),
      }),
      stepCleanupTempKeys<QemuState>({ config: () => config.ssh, communicator: (state) => state.communicator }),
      stepShutdown(config),
      stepConvertDisk(config, driver),
    ];
    let state: QemuState;
    try {
      state = await runSteps<QemuState>(stepList, {}, ctx);
    } finally {
      answered?.destroy();
    }
    return new QemuArtifact(config.outputDir, await filesUnder(config.outputDir), {
      generatedData: state.generatedData,
      diskName: config.vmName,
      diskPaths: state.diskPaths,
      diskType: config.format,
      diskSize: config.diskSize,
      domainType: config.accelerator,
    });
  }
}

/** Whether the builder itself reaches the guest's sshd through QEMU's port forward (no host, bastion or proxy in between). */
function sshBannerProbe(config: PreparedQemuConfig): boolean {
  const ssh = config.ssh;
  return config.communicator === 'ssh' && config.netBridge === '' && !config.skipNatMapping && !ssh.ssh_host && !ssh.ssh_bastion_host && !ssh.ssh_proxy_host;
}

function sshTimeoutMs(config: PreparedQemuConfig): number {
  return parseGoDuration(config.ssh.ssh_wait_timeout || config.ssh.ssh_timeout || '5m') ?? 300_000;
}
