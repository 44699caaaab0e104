import { goKind, isJsonMap } from '../data.js';
import { buildersOfType, rewriteProvisioners } from '../fixer.js';
import { decodeError } from '../decode.js';
import type { Fixer } from '../fixer.js';
import type { JsonMap } from '../data.js';

function renameBuilderType(name: string, synopsis: string, from: string, to: string): Fixer {
  return {
    name,
    synopsis,
    fix(template) {
      for (const builder of buildersOfType(template, (type) => type === from)) builder['type'] = to;
    },
  };
}

const renameVirtualBoxType = renameBuilderType(
  'virtualbox-rename',
  'Updates "virtualbox" builders to "virtualbox-iso"',
  'virtualbox',
  'virtualbox-iso',
);

export const virtualBoxRename: Fixer = {
  ...renameVirtualBoxType,
  fix(template) {
    renameVirtualBoxType.fix(template);
    // Provisioner overrides are keyed by builder name, which defaults to the type.
    rewriteProvisioners(template, (provisioner) => {
      if (!Object.hasOwn(provisioner, 'override')) return false;
      const override = provisioner['override'];
      if (override === null) return false;
      if (!isJsonMap(override)) throw decodeError([`'' expected a map, got '${goKind(override)}'`]);
      if (!Object.hasOwn(override, 'virtualbox')) return false;
      const renamed: JsonMap = { ...override };
      renamed['virtualbox-iso'] = renamed['virtualbox'] ?? null;
      delete renamed['virtualbox'];
      provisioner['override'] = renamed;
      return true;
    });
  },
};

export const vmwareRename = renameBuilderType(
  'vmware-rename',
  'Updates "vmware" builders to "vmware-iso"',
  'vmware',
  'vmware-iso',
);

export const proxmoxType = renameBuilderType(
  'proxmox-type',
  'Updates the builder type proxmox to proxmox-iso',
  'proxmox',
  'proxmox-iso',
);
