import { KILN_PACKER_COMPAT_VERSION as PACKER_VERSION } from '@kiln/template';
import type { CliCommand } from '../command.js';
import { createCliUi } from '../output/ui.js';
import { KILN_VERSION } from '../version.js';
import { synopsisOf } from './synopses.js';

/**
 * `kiln version`. The human line names both versions and keeps Packer's `Packer v1.6.6` words, so
 * a script grepping Packer's line still finds them. Machine-readable rows keep Packer's meaning:
 * `version` is the Packer version Kiln implements (what wrappers compare against), and a
 * `kiln-version` row is added.
 */
export const versionCommand: CliCommand = {
  name: 'version',
  synopsis: synopsisOf('version'),
  help: 'Prints the Kiln version and the Packer version whose templates it implements.',
  async run(_args, io, { machineReadable }) {
    // Like Packer, extra arguments and flags are ignored.
    const ui = createCliUi({ io, machineReadable });
    ui.machine('version', [PACKER_VERSION]);
    ui.machine('version-prelease', ['']);
    ui.machine('version-commit', ['']);
    ui.machine('kiln-version', [KILN_VERSION]);
    ui.say(`Kiln v${KILN_VERSION} (implements Packer v${PACKER_VERSION} templates)`);
    return 0;
  },
};
