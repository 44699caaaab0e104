import type { Image, Instance } from '@aws-sdk/client-ec2';
import type { Communicator } from '@kiln/sdk';

/** What the steps of an amazon-ebs build hand on to the later ones. */
export interface SourceImageState {
  readonly sourceImage: Image;
}

export interface NetworkState {
  readonly vpcId: string;
  readonly subnetId: string;
  readonly availabilityZone: string;
}

export interface KeyPairState {
  /** The key pair the instance launches with ('' for none). */
  readonly keyPairName: string;
  /** The private key of the temporary key pair (or of ssh_private_key_file), for SSH and Windows passwords. */
  readonly privateKey?: string;
}

export interface SecurityGroupState {
  readonly securityGroupIds: readonly string[];
}

export interface IamProfileState {
  readonly iamInstanceProfile: string;
}

export interface InstanceState {
  readonly instance: Instance;
}

export interface WinrmPasswordState {
  readonly winrmPassword?: string;
}

export interface ConnectState {
  readonly communicator?: Communicator;
}

/** AMI ids and snapshot ids by region: what the artifact is made of. */
export interface AmiState {
  readonly amis: Readonly<Record<string, string>>;
  readonly snapshots: Readonly<Record<string, readonly string[]>>;
  /** The build-region AMI is a temporary one (encrypt_boot or skip_save_build_region): the copy step replaces it. */
  readonly intermediary: boolean;
}
