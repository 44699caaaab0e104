import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { installChefStandin, type ChefStandin } from './chef-standin.js';
import { startSshd } from './sshd.js';

describe('chef stand-in', () => {
  let standin: ChefStandin;
  const work = mkdtempSync(join(tmpdir(), 'kiln-chef-standin-test-'));
  const run = (command: string) =>
    spawnSync('sh', ['-c', command], { cwd: work, encoding: 'utf8', env: { ...process.env, PATH: standin.path } });

  beforeAll(async () => {
    standin = await installChefStandin();
    mkdirSync(join(work, 'cookbooks', 'base'), { recursive: true });
    writeFileSync(join(work, 'cookbooks', 'base', 'metadata.rb'), 'name "base"\n');
    writeFileSync(join(work, 'solo.rb'), `chef_license "accept"\ncookbook_path ["${join(work, 'cookbooks')}"]\nlog_level :info\n`);
    writeFileSync(join(work, 'node.json'), '{"run_list":["recipe[base]"]}');
  });
  beforeEach(async () => {
    await standin.reset();
    await standin.failWith({});
  });
  afterAll(() => standin.stop());

  it('accepts a Ruby config and JSON, and records them with the trees they name', async () => {
    const result = run('chef-solo --no-color -c solo.rb -j node.json');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('chef-solo stand-in: --no-color -c solo.rb -j node.json\n');
    const [call] = await standin.calls();
    expect(call).toMatchObject({
      tool: 'chef-solo',
      args: ['--no-color', '-c', 'solo.rb', '-j', 'node.json'],
      sudo: false,
      settings: { chef_license: 'accept', cookbook_path: [join(work, 'cookbooks')], log_level: ':info' },
      jsonText: '{"run_list":["recipe[base]"]}',
      problems: [],
      status: 0,
    });
    expect(Object.keys(call?.trees?.[join(work, 'cookbooks')] ?? {})).toEqual(['base/metadata.rb']);
  });

  it.each([
    ['config that is not Ruby', 'cookbook_path ["x"', '{}', /^ruby -c bad\.rb: /],
    ['JSON that is not JSON', 'log_level :info', '{"a":', /^JSON attributes node-bad\.json: /],
    ['a cookbook path that does not exist', 'cookbook_path ["/nonexistent/kiln"]', '{}', /^cookbook_path \/nonexistent\/kiln does not exist$/],
  ])('refuses %s', async (_name, config, json, problem) => {
    writeFileSync(join(work, 'bad.rb'), config);
    writeFileSync(join(work, 'node-bad.json'), json);
    const result = run('chef-client -c bad.rb -j node-bad.json');
    expect(result.status).toBe(1);
    const [call] = await standin.calls();
    expect(call?.problems).toHaveLength(1);
    expect(call?.problems[0]).toMatch(problem);
  });

  it('fails as told, marks sudo, and stands in for the omnitruck installer', async () => {
    await standin.failWith({ knife: 4 });
    expect(run('sudo knife node delete n -y -c solo.rb').status).toBe(4);
    expect(run('curl -L https://omnitruck.chef.io/install.sh | sudo bash -s -- -v 16.1.0').status).toBe(0);
    const calls = await standin.calls();
    expect(calls.map(({ tool, sudo, status, version }) => ({ tool, sudo, status, version }))).toEqual([
      { tool: 'knife', sudo: true, status: 4, version: undefined },
      { tool: 'install', sudo: true, status: 0, version: '16.1.0' },
    ]);
  });

  it('is on the PATH of commands run through the testbed sshd, which logs each command', async () => {
    const sshd = await startSshd({ config: standin.sshdConfig });
    try {
      const result = spawnSync(
        'ssh',
        ['-p', String(sshd.port), '-i', sshd.privateKeyPath, '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes', `${sshd.username}@127.0.0.1`, 'command -v chef-solo knife sudo'],
        { encoding: 'utf8' },
      );
      expect(result.stdout.split('\n').filter(Boolean)).toEqual(['chef-solo', 'knife', 'sudo'].map((name) => join(standin.binDir, name)));
      expect(await standin.commands()).toEqual(['command -v chef-solo knife sudo']);
    } finally {
      await sshd.stop();
    }
  });
});
