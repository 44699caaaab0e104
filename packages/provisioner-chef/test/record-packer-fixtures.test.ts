import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installChefStandin, startSshd, type ChefStandin, type Sshd } from '@kiln/testbed';
import { CHEF_CASES } from './cases.js';
import { cleanMachine, hasPacker, packerBuild, prepareMachine, recordingOf, writeRecording, writeTemplate } from './reference.js';

// Re-records fixtures/<case>/ from Packer 1.6.6: `npm run record-fixtures` in this package.
// Off by default: the stored recordings are the contract, and Packer need not be installed.
const recording = process.env.KILN_RECORD_CHEF_FIXTURES === '1';

describe.skipIf(!recording)('recording Packer 1.6.6 chef fixtures', () => {
  let standin: ChefStandin;
  let sshd: Sshd;

  beforeAll(async () => {
    if (!hasPacker) throw new Error('Packer 1.6.6 is not installed: nothing to record from');
    standin = await installChefStandin();
    sshd = await startSshd({ config: standin.sshdConfig });
  });
  afterAll(async () => {
    await sshd?.stop();
    await standin?.stop();
  });

  for (const chefCase of CHEF_CASES) {
    it(chefCase.name, async () => {
      writeTemplate(chefCase);
      await prepareMachine(standin, chefCase);
      const { ui, error } = packerBuild(chefCase, sshd);
      const result = recordingOf(await standin.calls(), await standin.commands(), ui, error);
      await cleanMachine(chefCase);
      expect(result.calls.length).toBeGreaterThan(0);
      expect(result.calls.flatMap((call) => call.problems)).toEqual([]);
      writeRecording(chefCase, result);
    }, 120_000);
  }
});
