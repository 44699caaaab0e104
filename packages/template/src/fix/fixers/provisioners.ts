import { rewriteProvisioners } from '../fixer.js';
import type { Fixer } from '../fixer.js';

/** PowerShell's escapes that Packer used to require in these options and now adds itself. */
function unescapePowerShell(text: string): string {
  return text.replace(/`([$"`'])/g, '$1');
}

export const powershellEscapes: Fixer = {
  name: 'powershell-escapes',
  synopsis: 'Removes PowerShell escapes from user env vars and elevated username and password strings',
  fix(template) {
    rewriteProvisioners(template, (provisioner) => {
      if (provisioner['type'] !== 'powershell') return false;
      for (const key of ['elevated_user', 'elevated_password']) {
        const value = provisioner[key];
        if (typeof value === 'string') provisioner[key] = unescapePowerShell(value);
      }
      if (!Object.hasOwn(provisioner, 'environment_vars')) return true;
      const env = provisioner['environment_vars'];
      // Packer gives up on the whole provisioner when the list is not strings.
      if (env === null) provisioner['environment_vars'] = [];
      else if (Array.isArray(env) && env.every((entry) => typeof entry === 'string')) {
        provisioner['environment_vars'] = env.map((entry) => unescapePowerShell(entry as string));
      } else return false;
      return true;
    });
  },
};

export const galaxyCommand: Fixer = {
  name: 'galaxy-command',
  synopsis: 'Replaces "galaxycommand" in ansible-local provisioner configs with "galaxy_command"',
  fix(template) {
    rewriteProvisioners(template, (provisioner) => {
      if (provisioner['type'] !== 'ansible-local') return false;
      if (Object.hasOwn(provisioner, 'galaxy_command')) {
        delete provisioner['galaxycommand'];
        return true;
      }
      const command = provisioner['galaxycommand'];
      if (typeof command !== 'string') return false;
      delete provisioner['galaxycommand'];
      provisioner['galaxy_command'] = command;
      return true;
    });
  },
};
