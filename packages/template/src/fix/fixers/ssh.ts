import { builderMaps, buildersOfType, renameKey } from '../fixer.js';
import type { Fixer } from '../fixer.js';
import type { JsonMap } from '../data.js';

/** Renames an old key unless the new one is already set; the old key goes either way. */
function replaceKey(builder: JsonMap, from: string, to: string): void {
  if (Object.hasOwn(builder, to)) delete builder[from];
  else renameKey(builder, from, to);
}

export const sshKeyPath: Fixer = {
  name: 'sshkeypath',
  synopsis: 'Updates builders using "ssh_key_path" to use "ssh_private_key_file"',
  fix(template) {
    for (const builder of builderMaps(template)) {
      if (typeof builder['ssh_key_path'] === 'string') replaceKey(builder, 'ssh_key_path', 'ssh_private_key_file');
    }
  },
};

export const sshDisableAgent: Fixer = {
  name: 'sshdisableagent',
  synopsis: 'Updates builders using "ssh_disable_agent" to use "ssh_disable_agent_forwarding"',
  fix(template) {
    for (const builder of builderMaps(template)) {
      if (typeof builder['ssh_disable_agent'] === 'boolean') {
        replaceKey(builder, 'ssh_disable_agent', 'ssh_disable_agent_forwarding');
      }
    }
  },
};

export const sshWaitTimeout: Fixer = {
  name: 'ssh-wait-timeout',
  synopsis: 'Replaces "ssh_wait_timeout" with "ssh_timeout"',
  fix(template) {
    for (const builder of builderMaps(template)) {
      if (Object.hasOwn(builder, 'ssh_timeout')) delete builder['ssh_wait_timeout'];
      else if (typeof builder['ssh_wait_timeout'] === 'string') renameKey(builder, 'ssh_wait_timeout', 'ssh_timeout');
    }
  },
};

export const commConfig: Fixer = {
  name: 'comm-config',
  synopsis:
    'Remove ssh prefixes from communicator port forwarding configuration (host_port_min, host_port_max, skip_nat_mapping)',
  fix(template) {
    // Packer crashes on a builder without a string type here; such a builder is simply not VirtualBox.
    for (const builder of buildersOfType(template, (type) => type.startsWith('virtualbox'))) {
      replaceKey(builder, 'ssh_host_port_min', 'host_port_min');
      replaceKey(builder, 'ssh_host_port_max', 'host_port_max');
      if (Object.hasOwn(builder, 'skip_nat_mapping')) delete builder['ssh_skip_nat_mapping'];
      else if (typeof builder['ssh_skip_nat_mapping'] === 'boolean') {
        renameKey(builder, 'ssh_skip_nat_mapping', 'skip_nat_mapping');
      }
    }
  },
};

export const qemuHostPort: Fixer = {
  name: 'qemu-host-port',
  synopsis: 'Updates ssh_host_port_min and ssh_host_port_max to host_port_min and host_port_max',
  fix(template) {
    for (const builder of buildersOfType(template, (type) => type === 'qemu')) {
      renameKey(builder, 'ssh_host_port_min', 'host_port_min');
      renameKey(builder, 'ssh_host_port_max', 'host_port_max');
    }
  },
};
