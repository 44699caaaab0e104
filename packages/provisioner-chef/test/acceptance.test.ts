import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingUi } from '@kiln/sdk';
import { connectSsh, type SshCommunicator } from '@kiln/communicator-ssh';
import { ChefSoloProvisioner } from '../src/index.js';
import { provisionContext, templateContext } from './support.js';

// Opt-in: runs chef-solo for real on a host that has Chef Infra Client installed (see
// docs/plugins/provisioner-chef-solo.md). KILN_CHEF_ACCEPTANCE_HOST names the host; _USER, _KEY
// (a private key file) and _PORT (default 22) reach it over SSH. The user needs passwordless sudo.
const host = process.env.KILN_CHEF_ACCEPTANCE_HOST;

describe.skipIf(!host)('chef-solo against a real Chef Infra Client', () => {
  let communicator: SshCommunicator;
  const marker = `/tmp/kiln-chef-acceptance-${process.pid}`;

  beforeAll(async () => {
    communicator = await connectSsh({
      host: host ?? '',
      port: Number(process.env.KILN_CHEF_ACCEPTANCE_PORT ?? 22),
      config: {
        ssh_username: process.env.KILN_CHEF_ACCEPTANCE_USER ?? 'root',
        ssh_private_key_file: (process.env.KILN_CHEF_ACCEPTANCE_KEY ?? '~/.ssh/id_ed25519').replace(/^~(?=\/)/, homedir()),
      },
    });
  });
  afterAll(async () => {
    await communicator?.exec({ command: `sudo rm -rf ${marker} /tmp/kiln-chef-acceptance-staging` });
    await communicator?.close?.();
  });

  it('converges a one-recipe cookbook and the recipe sees the node JSON', async () => {
    const cookbooks = mkdtempSync(join(tmpdir(), 'kiln-chef-acceptance-'));
    mkdirSync(join(cookbooks, 'kiln', 'recipes'), { recursive: true });
    writeFileSync(join(cookbooks, 'kiln', 'metadata.rb'), 'name "kiln"\nversion "0.1.0"\n');
    writeFileSync(
      join(cookbooks, 'kiln', 'recipes', 'default.rb'),
      `file "${marker}" do\n  content node["kiln"]["greeting"]\nend\n`,
    );
    const provisioner = new ChefSoloProvisioner();
    provisioner.prepare(
      {
        skip_install: true,
        chef_license: 'accept-silent',
        cookbook_paths: [cookbooks],
        staging_directory: '/tmp/kiln-chef-acceptance-staging',
        run_list: ['recipe[kiln]'],
        json: { kiln: { greeting: 'hello from kiln' } },
      },
      templateContext(),
    );
    await provisioner.provision(provisionContext(communicator, recordingUi()));
    const lines: string[] = [];
    await communicator.exec({ command: `cat ${marker}`, onStdout: (line) => lines.push(line) });
    expect(lines).toEqual(['hello from kiln']);
  }, 600_000);
});
