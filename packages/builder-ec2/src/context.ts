import type { Image } from '@aws-sdk/client-ec2';
import type { BuildContext } from '@kiln/sdk';
import { buildInfo } from './build-info.js';
import { EarlyReads } from './early-reads.js';
import type { AmazonEbsConfig } from './config.js';
import type { Ec2Api, Ec2ApiFactory } from './driver.js';
import { pollingFor, WAITER_DEFAULT, type Polling } from './polling.js';
import type { ResourceTracker } from './resources.js';
import type { Ec2Settings } from './settings.js';

/** Random names the build uses (temporary security group, launch template, intermediary AMI); injectable for tests. */
export interface Names {
  /** packer_<uuid> */
  temporary(): string;
  /** Packer's random.AlphaNum(n). */
  alphaNum(length: number): string;
  /** RunInstances ClientToken. */
  clientToken(): string;
}

/** What every step of one amazon-ebs build shares: settings, the EC2 API per region, the ledger. */
export interface Ec2BuildContext {
  readonly config: AmazonEbsConfig;
  readonly settings: Ec2Settings;
  /** The build region's API. */
  readonly api: Ec2Api;
  readonly apiFor: Ec2ApiFactory;
  readonly tracker: ResourceTracker;
  readonly build: BuildContext;
  readonly names: Names;
  /** Polling of instance waits; AMI waits use amiPolling (Packer's 120-attempt default). */
  readonly polling: Polling;
  readonly amiPolling: Polling;
  /** The first reads of the build, sent early (see EarlyReads). */
  readonly early: EarlyReads;
  /** Renders a late-rendered option (tags, description) with the build data. */
  render(text: string, source: Image | undefined): string;
}

export function ec2BuildContext(options: {
  config: AmazonEbsConfig;
  settings: Ec2Settings;
  apiFor: Ec2ApiFactory;
  tracker: ResourceTracker;
  build: BuildContext;
  names: Names;
  env: Readonly<Record<string, string | undefined>>;
  render: (text: string, data: Readonly<Record<string, unknown>>) => string;
}): Ec2BuildContext {
  const sources = { config: options.config.aws_polling, env: options.env };
  const api = options.apiFor(options.settings.region);
  return {
    config: options.config,
    settings: options.settings,
    api,
    apiFor: options.apiFor,
    tracker: options.tracker,
    build: options.build,
    names: options.names,
    polling: pollingFor(sources, WAITER_DEFAULT),
    amiPolling: pollingFor(sources, WAITER_DEFAULT, true),
    early: new EarlyReads(api, options.settings),
    // Packer renders tags with the build region's data even for copies in other regions.
    render: (text, source) => options.render(text, buildInfo(options.settings.region, source)),
  };
}
