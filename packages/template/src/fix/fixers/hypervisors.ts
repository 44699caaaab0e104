import { KilnError } from '@kiln/sdk';
import { isJsonMap } from '../data.js';
import { buildersOfType, renameKey } from '../fixer.js';
import type { Fixer } from '../fixer.js';
import type { JsonData, JsonMap } from '../data.js';

const isParallels = (type: string): boolean => type === 'parallels-iso' || type === 'parallels-pvm';

export const virtualBoxGaAttach: Fixer = {
  name: 'virtualbox-gaattach',
  synopsis: 'Updates VirtualBox builders using "guest_additions_attach" to use "guest_additions_mode"',
  fix(template) {
    for (const builder of buildersOfType(template, (type) => type === 'virtualbox')) {
      const attach = builder['guest_additions_attach'];
      if (typeof attach !== 'boolean') continue;
      delete builder['guest_additions_attach'];
      builder['guest_additions_mode'] = attach ? 'attach' : 'upload';
    }
  },
};

export const parallelsHeadless: Fixer = {
  name: 'parallels-headless',
  synopsis: 'Removes unused "headless" from Parallels builders',
  fix(template) {
    for (const builder of buildersOfType(template, isParallels)) delete builder['headless'];
  },
};

export const parallelsDeprecations: Fixer = {
  name: 'parallels-deprecations',
  synopsis:
    'Removes deprecated "parallels_tools_host_path" from Parallels builders and changes "guest_os_distribution" to "guest_os_type".',
  fix(template) {
    for (const builder of buildersOfType(template, isParallels)) {
      delete builder['parallels_tools_host_path'];
      renameKey(builder, 'guest_os_distribution', 'guest_os_type');
    }
  },
};

export const scalewayAccessKey: Fixer = {
  name: 'scaleway-access-key',
  synopsis: 'Updates builders using "access_key" to use "organization_id"',
  fix(template) {
    for (const builder of buildersOfType(template, (type) => type === 'scaleway')) {
      if (typeof builder['access_key'] !== 'string') continue;
      if (Object.hasOwn(builder, 'organization_id')) delete builder['access_key'];
      else renameKey(builder, 'access_key', 'organization_id');
    }
  },
};

export const vmwareCompaction: Fixer = {
  name: 'vmware-compaction',
  synopsis: 'Adds "skip_compaction = true" to "vmware-iso" builders with incompatible disk_type_id',
  fix(template) {
    for (const builder of buildersOfType(template, (type) => type === 'vmware-iso')) {
      if (builder['remote_type'] !== 'esx5') continue;
      if (!Object.hasOwn(builder, 'disk_type_id')) {
        // The default disk type when this fixer was written; compaction does not work on it.
        builder['disk_type_id'] = 'zeroedthick';
      } else {
        const diskType = builder['disk_type_id'];
        if (typeof diskType !== 'string' || diskType === 'thin') continue;
      }
      if (!Object.hasOwn(builder, 'skip_compaction') || builder['skip_compaction'] === false) {
        builder['skip_compaction'] = true;
      }
    }
  },
};

export const hypervDeprecations: Fixer = {
  name: 'hyperv-deprecations',
  synopsis: 'Removes the deprecated "vhd_temp_path" setting from Hyper-V ISO builder templates',
  fix(template) {
    for (const builder of buildersOfType(template, (type) => type === 'hyperv-iso')) delete builder['vhd_temp_path'];
  },
};

export const hypervVmxcTypo: Fixer = {
  name: 'hyperv-vmxc-typo',
  synopsis: 'Fixes a typo replacing "clone_from_vmxc_path" with "clone_from_vmcx_path" in Hyper-V VMCX builder templates',
  fix(template) {
    for (const builder of buildersOfType(template, (type) => type === 'hyperv-vmcx')) {
      renameKey(builder, 'clone_from_vmxc_path', 'clone_from_vmcx_path');
    }
  },
};

export const hypervCpuAndRam: Fixer = {
  name: 'hyperv-cpu-and-ram',
  // Packer's text, missing space included.
  synopsis: 'Replaces "cpu" with "cpus" and "ram_size" with "memory"in Hyper-V VMCX builder templates',
  fix(template) {
    for (const builder of buildersOfType(template, (type) => type === 'hyperv-vmcx' || type === 'hyperv-iso')) {
      renameKey(builder, 'cpu', 'cpus');
      renameKey(builder, 'ram_size', 'memory');
    }
  },
};

export const qemuDiskSize: Fixer = {
  name: 'qemu-disk-size',
  synopsis: 'Updates "disk_size" from int to string in QEMU builders.',
  fix(template) {
    for (const builder of buildersOfType(template, (type) => type === 'qemu')) {
      const size = builder['disk_size'];
      // Go's int(float64) truncates toward zero; megabytes were the unit of the old integer.
      if (typeof size === 'number' && Number.isFinite(size)) builder['disk_size'] = `${BigInt(Math.trunc(size))}M`;
    }
  },
};

export const vsphereIsoNetDisk: Fixer = {
  name: 'vsphere-iso-net-disk',
  synopsis: 'Removes deprecated network and disk fields from "vsphere-iso" builder',
  fix(template) {
    for (const builder of buildersOfType(template, (type) => type === 'vsphere-iso')) {
      // `networkCard` is the spelling from when the builder was a third-party plugin.
      gatherInto(builder, 'network_adapters', { network: 'network', networkCard: 'network_card', network_card: 'network_card' });
      gatherInto(builder, 'storage', {
        disk_size: 'disk_size',
        disk_thin_provisioned: 'disk_thin_provisioned',
        disk_eagerly_scrub: 'disk_eagerly_scrub',
      });
    }
  },
};

/** Moves the old flat keys into one new object placed first in the list `listKey`. */
function gatherInto(builder: JsonMap, listKey: string, keys: Readonly<Record<string, string>>): void {
  const gathered: JsonMap = {};
  let found = false;
  for (const [oldKey, newKey] of Object.entries(keys)) {
    if (!Object.hasOwn(builder, oldKey)) continue;
    gathered[newKey] = builder[oldKey] as JsonData;
    delete builder[oldKey];
    found = true;
  }
  if (!found) return;
  const existing = builder[listKey];
  if (existing !== undefined && !Array.isArray(existing)) {
    throw new KilnError('TEMPLATE_INVALID', `vsphere-iso-net-disk: "${listKey}" must be a list to add the old fields to`);
  }
  builder[listKey] = [gathered, ...(existing ?? [])];
}

export const azureExcludeFromLatest: Fixer = {
  name: 'azure-exclude_from_latest',
  synopsis: 'Changes "exlude_from_latest" to "exclude_from_latest" in Azure builders.',
  fix(template) {
    for (const builder of buildersOfType(template, (type) => type.startsWith('azure-chroot'))) {
      const destination = builder['shared_image_destination'];
      if (isJsonMap(destination)) renameKey(destination, 'exlude_from_latest', 'exclude_from_latest');
    }
  },
};
