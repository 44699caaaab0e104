import type { BlockDeviceMapping, LaunchTemplateBlockDeviceMappingRequest } from '@aws-sdk/client-ec2';
import type { BlockDeviceConfig } from './config.js';

/** Packer's BlockDevice.BuildEC2BlockDeviceMapping. */
export function ec2BlockDeviceMapping(device: BlockDeviceConfig): BlockDeviceMapping {
  const mapping: BlockDeviceMapping = { DeviceName: device.device_name };
  if (device.no_device) return { ...mapping, NoDevice: '' };
  if (device.virtual_name) {
    return device.virtual_name.startsWith('ephemeral') ? { ...mapping, VirtualName: device.virtual_name } : mapping;
  }
  const ebs: NonNullable<BlockDeviceMapping['Ebs']> = { DeleteOnTermination: device.delete_on_termination === true };
  if (device.volume_type) ebs.VolumeType = device.volume_type as NonNullable<typeof ebs.VolumeType>;
  if (device.volume_size) ebs.VolumeSize = device.volume_size;
  if (['io1', 'io2', 'gp3'].includes(device.volume_type ?? '') && device.iops) ebs.Iops = device.iops;
  if (device.volume_type === 'gp3' && device.throughput) ebs.Throughput = device.throughput;
  if (device.snapshot_id) ebs.SnapshotId = device.snapshot_id;
  if (device.encrypted !== undefined) ebs.Encrypted = device.encrypted;
  if (device.kms_key_id) ebs.KmsKeyId = device.kms_key_id;
  return { ...mapping, Ebs: ebs };
}

export function ec2BlockDeviceMappings(devices: readonly BlockDeviceConfig[]): BlockDeviceMapping[] | undefined {
  return devices.length === 0 ? undefined : devices.map(ec2BlockDeviceMapping);
}

/** no_ephemeral: xvdca..xvdcz mapped to no device, so ephemeral drives stay hidden (Windows guests). */
export function noEphemeralMappings(): BlockDeviceMapping[] {
  return [...'abcdefghijklmnopqrstuvwxyz'].map((letter) => ({ DeviceName: `xvdc${letter}`, NoDevice: '' }));
}

/** The launch template form of the same mappings (spot builds). */
export function launchTemplateMappings(mappings: readonly BlockDeviceMapping[]): LaunchTemplateBlockDeviceMappingRequest[] {
  return mappings.map((m) => ({
    DeviceName: m.DeviceName,
    ...(m.Ebs ? { Ebs: { ...m.Ebs } } : {}),
    ...(m.VirtualName ? { VirtualName: m.VirtualName } : {}),
    ...(m.NoDevice !== undefined ? { NoDevice: m.NoDevice } : {}),
  }));
}
