import { stepCleanupTempKeys } from '@kiln/communicator-ssh';
import {
  KilnError,
  KilnErrors,
  cleanUpEarlier,
  concurrently,
  runSteps,
  stepProvision,
  steps,
  type Artifact,
  type BuildContext,
  type Builder,
  type PrepareContext,
  type ConnectionData,
  type PrepareResult,
} from '@kiln/sdk';
import { amazonArtifact } from './artifact.js';
import { GENERATED_DATA_KEYS, generatedData } from './build-info.js';
import { accessFromConfig, awsClients, credentialsFromVault, type AwsAccess, type AwsClients } from './client.js';
import type { AmazonEbsConfig } from './config.js';
import { ec2BuildContext, type Ec2BuildContext, type Names } from './context.js';
import type { Ec2Api } from './driver.js';
import { randomNames } from './names.js';
import { ResourceTracker } from './resources.js';
import { resolveSettings } from './settings.js';
import { AmiRecords } from './steps/ami-records.js';
import { SourceInstance } from './steps/launch-common.js';
import { stepAmiRegionCopy } from './steps/step-ami-region-copy.js';
import { stepCleanupVolumes } from './steps/step-cleanup-volumes.js';
import { stepConnect } from './steps/step-connect.js';
import { stepCreateAmi } from './steps/step-create-ami.js';
import { stepCreateTags } from './steps/step-create-tags.js';
import { stepDeregisterAmi } from './steps/step-deregister-ami.js';
import { stepGetPassword } from './steps/step-get-password.js';
import { stepIamInstanceProfile } from './steps/step-iam-instance-profile.js';
import { stepKeyPair } from './steps/step-key-pair.js';
import { stepModifyAmiAttributes } from './steps/step-modify-ami-attributes.js';
import { stepModifyInstance } from './steps/step-modify-instance.js';
import { stepNetworkInfo } from './steps/step-network-info.js';
import { stepPreValidate } from './steps/step-pre-validate.js';
import { stepRunSourceInstance } from './steps/step-run-source-instance.js';
import { stepRunSpotInstance } from './steps/step-run-spot-instance.js';
import { stepSecurityGroup } from './steps/step-security-group.js';
import { stepSourceAmiInfo } from './steps/step-source-ami-info.js';
import { stepCreateSsmTunnel } from './steps/step-ssm-tunnel.js';
import { stepStopInstance } from './steps/step-stop-instance.js';
import type { AmiState, ConnectState, InstanceState, KeyPairState, SourceImageState, WinrmPasswordState } from './steps/state.js';

type ProvisionState = SourceImageState & InstanceState & KeyPairState & WinrmPasswordState & ConnectState;
import { amazonEbsConfigErrors, amazonEbsConfigWarnings } from './validate.js';

export interface AmazonEbsBuilderOptions {
  /** Makes the AWS clients (tests inject fakes or wrap the real ones). */
  readonly clients?: (access: AwsAccess) => AwsClients;
  readonly names?: Names;
  /** Where -debug saves ec2_<build>.pem (default the working directory). */
  readonly cwd?: string;
  /** Environment for AWS_POLL_DELAY_SECONDS and friends, and Vault (default process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Packer's amazon-ebs: launches an instance from a source AMI, provisions it, stops it and makes
 * an AMI of it (copied, shared and tagged as configured). Every resource it creates is in the
 * run's ledger before it exists, so `kiln cleanup` can remove what a killed build left.
 */
export class AmazonEbsBuilder implements Builder<AmazonEbsConfig> {
  private config?: AmazonEbsConfig;
  private render?: PrepareContext['render'];

  constructor(private readonly options: AmazonEbsBuilderOptions = {}) {}

  prepare(config: AmazonEbsConfig, ctx: PrepareContext): PrepareResult {
    const errors = amazonEbsConfigErrors(config);
    if (errors.length > 0) {
      const all = errors.map((message) => new KilnError('CONFIG_INVALID', message));
      throw all.length === 1 ? all[0] : new KilnErrors(all);
    }
    this.config = config;
    this.render = ctx.render;
    return { generatedData: [...GENERATED_DATA_KEYS], warnings: amazonEbsConfigWarnings(config) };
  }

  async run(build: BuildContext): Promise<Artifact | undefined> {
    const { config, render } = this;
    if (!config || !render) throw new KilnError('INTERNAL', 'amazon-ebs: run() before prepare()');
    const env = this.options.env ?? process.env;
    const settings = resolveSettings(config, { force: build.env.force });
    let access = accessFromConfig(config);
    if (config.vault_aws_engine && Object.values(config.vault_aws_engine).some(Boolean)) {
      access = { ...access, staticCredentials: await credentialsFromVault(config.vault_aws_engine, env) };
    }
    const clients = (this.options.clients ?? awsClients)(access);
    // Packer assumes the role when it opens its session, skip_credential_validation or not.
    if (!settings.skipCredentialValidation || access.assumeRole) await clients.checkCredentials();
    const ctx = ec2BuildContext({
      config,
      settings,
      apiFor: clients.ec2,
      tracker: new ResourceTracker(build.ledger, { endpoint: settings.endpoint, profile: settings.profile }),
      build,
      names: this.options.names ?? randomNames,
      env,
      render: (text, data) => render(text, data),
    });
    ctx.early.start();
    if (!settings.skipRegionValidation) await validateRegions(ctx.api, [...settings.amiRegions, settings.region]);
    const final = await runSteps(this.sequence(ctx, clients), {}, build);
    const amis = (final as Partial<AmiState>).amis;
    if (!amis || Object.keys(amis).length === 0) return undefined;
    return amazonArtifact({ amis, apiFor: clients.ec2, generatedData: final.generatedData });
  }

  private sequence(ctx: Ec2BuildContext, clients: AwsClients) {
    const { settings, config, build } = ctx;
    const source = new SourceInstance(ctx);
    const records = new AmiRecords(ctx);
    const launch = settings.spot ? stepRunSpotInstance(ctx, source) : stepRunSourceInstance(ctx, source);
    return steps<object>()
      .then(stepPreValidate(ctx))
      .then(stepSourceAmiInfo(ctx))
      .then(stepNetworkInfo(ctx))
      // Neither needs the other: the security group's round trips go while EC2 makes the key pair.
      .then(concurrently(stepKeyPair(ctx, this.options.cwd), stepSecurityGroup(ctx)))
      .then(stepIamInstanceProfile(ctx, clients.iam))
      .then(stepCleanupVolumes(ctx, source))
      .then(launch)
      .then(stepGetPassword(ctx))
      .then(stepCreateSsmTunnel(ctx, clients.ssm, { env: this.options.env ?? process.env }))
      .then(stepConnect(ctx))
      .then(
        stepProvision<ProvisionState>(build, {
          communicator: (state) => state.communicator,
          data: (state) => ({
            generated: generatedData(settings.region, state.sourceImage),
            instanceId: state.instance.InstanceId ?? '',
            ...(settings.communicator === 'none' ? {} : { connection: connectionData(ctx, state) }),
          }),
        }),
      )
      .then(
        stepCleanupTempKeys<ConnectState>({
          // The temporary key pair's name is Kiln's (packer_<uuid>) unless the template named it.
          config: () => ({ ...config, temporary_key_pair_name: settings.temporaryKeyPairName }),
          communicator: (state) => state.communicator,
        }),
      )
      .then(stepStopInstance(ctx))
      .then(stepModifyInstance(ctx))
      .then(stepDeregisterAmi(ctx))
      .then(stepCreateAmi(ctx, records))
      // Nothing after the AMI needs the source instance: it, its volumes, key pair and security
      // group go while the AMI is copied and tagged rather than after (a minute saved on a build
      // that copies). runSteps keeps them to the end when something may still want them there.
      .then(cleanUpEarlier('StepReleaseSourceInstance'))
      .then(stepAmiRegionCopy(ctx, records))
      // Attributes and tags touch different things of the same AMIs.
      .then(concurrently(stepModifyAmiAttributes(ctx), stepCreateTags(ctx)));
  }
}

function connectionData(ctx: Ec2BuildContext, state: Readonly<ProvisionState>): ConnectionData {
  const { config, settings } = ctx;
  const winrm = settings.communicator === 'winrm';
  return {
    type: settings.communicator,
    host: config.ssh_host || state.instance.PublicIpAddress || state.instance.PrivateIpAddress || '',
    port: settings.communicatorPort,
    user: (winrm ? config.winrm_username : config.ssh_username) ?? '',
    password: (winrm ? (config.winrm_password ?? state.winrmPassword) : config.ssh_password) ?? '',
    sshPrivateKey: state.privateKey ?? '',
    sshPrivateKeyFile: config.ssh_private_key_file ?? '',
    sshAgentAuth: config.ssh_agent_auth === true,
    winrmPassword: config.winrm_password ?? state.winrmPassword ?? '',
  };
}

/** Packer's ValidateRegion at the start of Run: the build region and ami_regions must exist. */
async function validateRegions(api: Ec2Api, wanted: readonly string[]): Promise<void> {
  const available = await api.describeRegions();
  const invalid = [...new Set(wanted)].filter((region) => !available.includes(region));
  if (invalid.length > 0) {
    throw new KilnError(
      'CONFIG_INVALID',
      `error validating regions: Invalid region(s): [${invalid.join(' ')}], available regions: [${available.join(' ')}]`,
    );
  }
}
