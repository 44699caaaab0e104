import type { Fixer } from '../fixer.js';
import {
  amazonEnhancedNetworking,
  amazonPrivateIp,
  amazonShutdownBehavior,
  amazonTempSecCidrs,
  cleanImageName,
  createTime,
  spotPriceAutoProduct,
} from './amazon.js';
import { proxmoxType, virtualBoxRename, vmwareRename } from './builder-types.js';
import {
  azureExcludeFromLatest,
  hypervCpuAndRam,
  hypervDeprecations,
  hypervVmxcTypo,
  parallelsDeprecations,
  parallelsHeadless,
  qemuDiskSize,
  scalewayAccessKey,
  virtualBoxGaAttach,
  vmwareCompaction,
  vsphereIsoNetDisk,
} from './hypervisors.js';
import { isoChecksumTypeAndUrl, isoMd5 } from './iso.js';
import { dockerEmail, dockerTagTags, manifestFilename, ppVagrantOverride } from './post-processors.js';
import { galaxyCommand, powershellEscapes } from './provisioners.js';
import { commConfig, qemuHostPort, sshDisableAgent, sshKeyPath, sshWaitTimeout } from './ssh.js';

/** Every fixer of Packer 1.6.6, in the fixed order `packer fix` runs them (later ones see earlier output). */
export const FIXERS: readonly Fixer[] = [
  isoMd5,
  createTime,
  virtualBoxGaAttach,
  ppVagrantOverride,
  virtualBoxRename,
  vmwareRename,
  parallelsHeadless,
  parallelsDeprecations,
  sshKeyPath,
  sshDisableAgent,
  scalewayAccessKey,
  manifestFilename,
  amazonShutdownBehavior,
  amazonEnhancedNetworking,
  amazonPrivateIp,
  amazonTempSecCidrs,
  dockerEmail,
  dockerTagTags,
  powershellEscapes,
  vmwareCompaction,
  hypervDeprecations,
  hypervVmxcTypo,
  hypervCpuAndRam,
  cleanImageName,
  spotPriceAutoProduct,
  qemuDiskSize,
  galaxyCommand,
  commConfig,
  sshWaitTimeout,
  vsphereIsoNetDisk,
  isoChecksumTypeAndUrl,
  qemuHostPort,
  azureExcludeFromLatest,
  proxmoxType,
];
