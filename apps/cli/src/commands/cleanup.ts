import path from 'node:path';
import { cleanupLedgers, type LedgerCleaner } from '@kiln/resource-ledger';
import type { CliCommand } from '../command.js';
import { boolFlag, stringFlag } from '../flags/types.js';
import { createCliUi } from '../output/ui.js';
import { parseArgumentsOrUsage } from './arguments.js';
import { synopsisOf } from './synopses.js';

const HELP = `Usage: kiln cleanup [options]

  Deletes the cloud resources that builds which were killed (or aborted with
  -on-error=abort) left behind. Every build writes each resource to a ledger in
  the cache directory before creating it; cleanup reads the ledgers of runs that
  no longer run and deletes what they list, in dependency order. A run that
  stopped less than 10 seconds ago is waited for until then, so that what it was
  creating when it stopped exists to be deleted. Credentials come from the usual
  places (environment, shared credentials file, profile).

Options:

  -cache-dir=DIR                Where the ledgers are (Default: PACKER_CACHE_DIR, or ./packer_cache)
  -dry-run                      Only list what would be deleted.`;

const FLAGS = {
  'cache-dir': stringFlag(''),
  'dry-run': boolFlag(),
};

/** The cleaners of the bundled plugins that record cloud resources, loaded only when needed. */
const CLEANERS: readonly (() => Promise<LedgerCleaner>)[] = [async () => (await import('@kiln/builder-ec2')).ec2LedgerCleaner()];

/** `kiln cleanup` (Kiln only): exits 0 when no dead run has anything left, 1 otherwise. */
export const cleanupCommand: CliCommand = {
  name: 'cleanup',
  synopsis: synopsisOf('cleanup'),
  help: HELP,
  handlesSignals: true,
  async run(argv, io, { machineReadable }) {
    const ui = createCliUi({ io, machineReadable });
    const parsed = parseArgumentsOrUsage(argv, FLAGS, HELP, ui);
    if (!parsed) return 1;
    const { flags } = parsed;
    const cacheDir = path.resolve(io.cwd, flags['cache-dir'] || io.env['PACKER_CACHE_DIR'] || 'packer_cache');
    const cleaners = await Promise.all(CLEANERS.map((load) => load()));
    const results = await cleanupLedgers(cacheDir, {
      cleaners,
      say: (line) => ui.say(line),
      dryRun: flags['dry-run'],
      ...(io.signal ? { signal: io.signal } : {}),
    });
    const dead = results.filter((r) => r.outcome === 'cleaned' || r.outcome === 'incomplete');
    const left = dead.reduce((n, r) => n + r.remaining.length, 0);
    if (results.length === 0) ui.say(`No ledgers in ${cacheDir}: nothing to clean up.`);
    else if (!flags['dry-run']) ui.say(left === 0 ? `Cleaned up ${dead.length} run(s).` : `${left} resource(s) could not be deleted; run kiln cleanup again later.`);
    return left === 0 || flags['dry-run'] ? 0 : 1;
  },
};
